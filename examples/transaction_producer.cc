// "Write my database, then tell everyone": each order is a local transaction
// plus a transactional OrderCreated message. Even orders commit, odd orders
// fail their local transaction and roll back, so consumers see only the even
// ones. Check() answers the broker's check-back from the same "database".
//
//   build/examples/transaction_producer [-n 127.0.0.1:9876] [-t OrderCreated] [-c 10]
//
// Uses only the public SDK (include/ternmq): build it against libternmq.a.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>

#include "ternmq/transaction_producer.h"

namespace {

// Stands in for the order table: order id -> committed?
class OrderStore final : public ternmq::TransactionListener {
 public:
  ternmq::TransactionState ExecuteLocal(const ternmq::Message& msg, void* arg) override {
    int order = *static_cast<int*>(arg);
    bool ok = order % 2 == 0;  // odd orders fail (say, out of stock)
    std::lock_guard<std::mutex> lock(mu_);
    committed_[msg.keys.at(0)] = ok;
    return ok ? ternmq::TransactionState::kCommit : ternmq::TransactionState::kRollback;
  }
  ternmq::TransactionState Check(const ternmq::MessageView& msg) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = msg.keys.empty() ? committed_.end() : committed_.find(msg.keys[0]);
    if (it == committed_.end()) return ternmq::TransactionState::kUnknown;
    return it->second ? ternmq::TransactionState::kCommit : ternmq::TransactionState::kRollback;
  }

 private:
  std::mutex mu_;
  std::map<std::string, bool> committed_;
};

}  // namespace

int main(int argc, char** argv) {
  std::string namesrv = "127.0.0.1:9876";
  std::string topic = "OrderCreated";
  int count = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "-n") == 0) namesrv = argv[i + 1];
    if (std::strcmp(argv[i], "-t") == 0) topic = argv[i + 1];
    if (std::strcmp(argv[i], "-c") == 0) count = std::atoi(argv[i + 1]);
  }
  OrderStore orders;
  ternmq::ProducerOptions options;
  options.group = "example-tx-producer";
  options.name_servers = {namesrv};
  auto producer = ternmq::TransactionProducer::Create(options, &orders);
  if (!producer.ok()) {
    std::fprintf(stderr, "create: %s\n", producer.status().message().c_str());
    return 1;
  }
  if (auto st = (*producer)->Start(); !st.ok()) {
    std::fprintf(stderr, "start: %s\n", st.message().c_str());
    return 1;
  }
  int failed = 0;
  for (int order = 0; order < count; ++order) {
    ternmq::Message msg;
    msg.topic = topic;
    msg.keys = {"order-" + std::to_string(order)};
    msg.body = "order " + std::to_string(order) + " created";
    auto r = (*producer)->SendInTransaction(msg, &order);
    if (!r.ok()) {
      std::fprintf(stderr, "order %d: %s\n", order, r.status().message().c_str());
      ++failed;
      continue;
    }
    std::printf("order %d: %s\n", order, std::string(ternmq::TransactionStateName(r->state)).c_str());
  }
  (*producer)->Shutdown();
  return failed == 0 ? 0 : 1;
}
