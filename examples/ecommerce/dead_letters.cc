#include "dead_letters.h"

namespace shop {

ternmq::Result<std::unique_ptr<DeadLetters>> DeadLetters::Start(const std::string& name_server) {
  ternmq::PullConsumerOptions options;
  options.group = "shop-dlq-reader";
  options.name_servers = {name_server};
  auto consumer = ternmq::PullConsumer::Create(options);
  if (!consumer.ok()) return consumer.status();
  if (ternmq::Status st = (*consumer)->Start(); !st.ok()) return st;
  std::unique_ptr<DeadLetters> reader(new DeadLetters());
  reader->consumer_ = std::move(consumer).value();
  return reader;
}

DeadLetters::~DeadLetters() {
  if (consumer_) consumer_->Shutdown();
}

ternmq::Result<std::set<std::string>> DeadLetters::Keys(const std::string& group) {
  auto queues = consumer_->FetchSubscribeQueues("%DLQ%" + group);
  if (!queues.ok()) return queues.status();
  std::set<std::string> keys;
  for (const ternmq::MessageQueue& queue : *queues) {
    auto min = consumer_->MinOffset(queue);
    if (!min.ok()) return min.status();
    int64_t offset = *min;
    for (;;) {
      auto pulled = consumer_->Pull(queue, "*", offset, 64);
      if (!pulled.ok()) return pulled.status();
      if (pulled->status != ternmq::PullStatus::kFound) break;
      for (const ternmq::MessageView& m : pulled->messages)
        keys.insert(m.keys.begin(), m.keys.end());
      offset = pulled->next_begin_offset;
    }
  }
  return keys;
}

}  // namespace shop
