// Consumes a topic with a push consumer until N messages arrived (or a
// timeout), printing each one.
//
//   build/examples/push_consumer [-n 127.0.0.1:9876] [-t Orders] [-c 10] [-w 30]
//
// Uses only the public SDK (include/ternmq): build it against libternmq.a.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

#include "ternmq/push_consumer.h"

int main(int argc, char** argv) {
  std::string namesrv = "127.0.0.1:9876";
  std::string topic = "Orders";
  int expected = 10;
  int wait_seconds = 30;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "-n") == 0) namesrv = argv[i + 1];
    if (std::strcmp(argv[i], "-t") == 0) topic = argv[i + 1];
    if (std::strcmp(argv[i], "-c") == 0) expected = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "-w") == 0) wait_seconds = std::atoi(argv[i + 1]);
  }

  ternmq::PushConsumerOptions options;
  options.group = "example-consumer";
  options.name_servers = {namesrv};
  options.consume_from_where = ternmq::ConsumeFromWhere::kFirstOffset;
  auto consumer = ternmq::PushConsumer::Create(options);
  if (!consumer.ok()) {
    std::fprintf(stderr, "create: %s\n", consumer.status().message().c_str());
    return 1;
  }
  std::mutex mu;
  std::condition_variable cv;
  int received = 0;
  if (auto st = (*consumer)->Subscribe(topic, "*"); !st.ok()) {
    std::fprintf(stderr, "subscribe: %s\n", st.message().c_str());
    return 1;
  }
  auto listening = (*consumer)->SetListener([&](const std::vector<ternmq::MessageView>& messages) {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& m : messages) {
      std::printf("received %s: %s\n", m.msg_id.c_str(), m.body.c_str());
      ++received;
    }
    std::fflush(stdout);
    cv.notify_all();
    return ternmq::ConsumeResult::kSuccess;
  });
  if (!listening.ok()) {
    std::fprintf(stderr, "listener: %s\n", listening.message().c_str());
    return 1;
  }
  if (auto st = (*consumer)->Start(); !st.ok()) {
    std::fprintf(stderr, "start: %s\n", st.message().c_str());
    return 1;
  }
  bool done;
  {
    std::unique_lock<std::mutex> lock(mu);
    done = cv.wait_for(lock, std::chrono::seconds(wait_seconds),
                       [&] { return received >= expected; });
  }
  (*consumer)->Shutdown();
  if (!done) std::fprintf(stderr, "only %d of %d messages arrived\n", received, expected);
  return done ? 0 : 1;
}
