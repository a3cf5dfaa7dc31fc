// PullConsumerImpl: the ternmq::PullConsumer behind PullConsumer::Create().
//
// Every call is a blocking request on the caller's thread (RpcClient::
// InvokeSync); the consumer keeps no queue state. Broker addresses come from
// the ClientInstance's route records; an unknown broker name fetches the
// queue's topic route once. The group is registered in heartbeats as
// CONSUME_ACTIVELY without subscriptions (each pull carries its own).
//
// Lifetime: Shutdown() refuses new calls and waits for calls in progress
// (each ends by its timeout), then releases the ClientInstance.
// Threading: see include/ternmq/pull_consumer.h.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

#include "src/client/client_instance.h"
#include "ternmq/pull_consumer.h"

namespace tern::client {

ternmq::Status ValidatePullConsumerOptions(const ternmq::PullConsumerOptions& options);

class PullConsumerImpl final : public ternmq::PullConsumer {
 public:
  // REQUIRES: ValidatePullConsumerOptions(options).ok().
  explicit PullConsumerImpl(ternmq::PullConsumerOptions options);
  ~PullConsumerImpl() override;

  ternmq::Status Start() override;
  void Shutdown() override;
  ternmq::Result<std::vector<ternmq::MessageQueue>> FetchSubscribeQueues(
      const std::string& topic) override;
  ternmq::Result<ternmq::PullResult> Pull(const ternmq::MessageQueue& queue,
                                          const std::string& tag_expression, int64_t offset,
                                          int32_t max_nums,
                                          const ternmq::PullOptions& options = {}) override;
  ternmq::Status UpdateOffset(const ternmq::MessageQueue& queue, int64_t offset) override;
  ternmq::Result<int64_t> QueryOffset(const ternmq::MessageQueue& queue) override;
  ternmq::Result<int64_t> MinOffset(const ternmq::MessageQueue& queue) override;
  ternmq::Result<int64_t> MaxOffset(const ternmq::MessageQueue& queue) override;
  ternmq::Result<int64_t> SearchOffset(const ternmq::MessageQueue& queue,
                                       int64_t timestamp_ms) override;
  const std::string& client_id() const override { return client_id_; }

 private:
  enum class State { kCreated, kRunning, kStopping, kStopped };
  class OpGuard;
  bool BeginOp();
  void EndOp();
  ternmq::Status NotRunning() const;
  // The master address of the queue's broker, fetching the topic route if needed.
  ternmq::Result<std::string> BrokerAddr(const ternmq::MessageQueue& queue);

  const ternmq::PullConsumerOptions options_;
  std::string client_id_;
  ClientInstance* instance_ = nullptr;

  std::mutex mu_;
  std::condition_variable idle_cv_;
  State state_ = State::kCreated;  // GUARDED_BY(mu_)
  int64_t in_flight_ = 0;          // GUARDED_BY(mu_)
};

}  // namespace tern::client
