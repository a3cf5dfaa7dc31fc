// Sends N messages to a topic and prints each send result.
//
//   build/examples/producer [-n 127.0.0.1:9876] [-t Orders] [-c 10]
//
// Uses only the public SDK (include/ternmq): build it against libternmq.a.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "ternmq/producer.h"

int main(int argc, char** argv) {
  std::string namesrv = "127.0.0.1:9876";
  std::string topic = "Orders";
  int count = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "-n") == 0) namesrv = argv[i + 1];
    if (std::strcmp(argv[i], "-t") == 0) topic = argv[i + 1];
    if (std::strcmp(argv[i], "-c") == 0) count = std::atoi(argv[i + 1]);
  }

  ternmq::ProducerOptions options;
  options.group = "example-producer";
  options.name_servers = {namesrv};
  auto producer = ternmq::Producer::Create(options);
  if (!producer.ok()) {
    std::fprintf(stderr, "create: %s\n", producer.status().message().c_str());
    return 1;
  }
  if (auto st = (*producer)->Start(); !st.ok()) {
    std::fprintf(stderr, "start: %s\n", st.message().c_str());
    return 1;
  }
  int failed = 0;
  for (int i = 0; i < count; ++i) {
    ternmq::Message msg;
    msg.topic = topic;
    msg.tags = "created";
    msg.keys = {"order-" + std::to_string(i)};
    msg.body = "order " + std::to_string(i) + " created";
    auto sent = (*producer)->Send(msg);
    if (!sent.ok()) {
      std::fprintf(stderr, "send %d: %s\n", i, sent.status().message().c_str());
      ++failed;
      continue;
    }
    std::printf("sent %s to queue %d offset %lld\n", sent->msg_id.c_str(), sent->queue.queue_id,
                static_cast<long long>(sent->queue_offset));
  }
  (*producer)->Shutdown();
  return failed == 0 ? 0 : 1;
}
