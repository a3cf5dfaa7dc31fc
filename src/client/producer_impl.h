// ProducerImpl: the ternmq::Producer behind Producer::Create().
//
// A send is prepared once (send_request.h), then tried on up to 1 + retries
// queues chosen round-robin, each retry avoiding the broker that just failed
// (topic_publish_info.h), all within the call's deadline. Sync sends run on
// the caller's thread (InvokeSync); async sends run as a chain of
// completions on the client's loop thread and end by posting the user's
// callback to the callback executor.
//
// Lifetime: every send in progress (sync, async, oneway) is counted;
// Shutdown() first refuses new sends, then waits for the count to reach zero
// (each send ends by its deadline at the latest), drains the callbacks and
// releases the ClientInstance. In-flight async sends therefore may refer to
// the producer. Threading: see include/ternmq/producer.h.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "src/base/clock.h"
#include "src/client/broker_backoff.h"
#include "src/client/callback_executor.h"
#include "src/client/client_instance.h"
#include "src/client/send_request.h"
#include "src/net/event_loop.h"
#include "ternmq/producer.h"

namespace tern::client {

// Checks every field of `options`; kInvalidArgument names the field.
ternmq::Status ValidateProducerOptions(const ternmq::ProducerOptions& options);

class ProducerImpl final : public ternmq::Producer {
 public:
  // REQUIRES: ValidateProducerOptions(options).ok(). `clock` must outlive the producer.
  ProducerImpl(ternmq::ProducerOptions options, const Clock& clock);
  ~ProducerImpl() override;

  ternmq::Status Start() override;
  void Shutdown() override;
  ternmq::Result<ternmq::SendResult> Send(const ternmq::Message& message,
                                          const ternmq::SendOptions& options = {}) override;
  void SendAsync(const ternmq::Message& message, ternmq::SendCallback callback,
                 const ternmq::SendOptions& options = {}) override;
  ternmq::Status SendOneway(const ternmq::Message& message) override;
  ternmq::Result<ternmq::SendResult> SendBatch(const std::vector<ternmq::Message>& messages,
                                               const ternmq::SendOptions& options = {}) override;
  ternmq::Result<ternmq::SendResult> Send(const ternmq::Message& message,
                                          const ternmq::MessageQueueSelector& selector,
                                          const ternmq::SendOptions& options = {}) override;
  ternmq::Result<ternmq::SendResult> SendOrderly(const ternmq::Message& message,
                                                 std::string_view sharding_key,
                                                 const ternmq::SendOptions& options = {}) override;
  ternmq::Result<std::vector<ternmq::MessageQueue>> FetchPublishQueues(
      const std::string& topic) override;
  ternmq::Result<ternmq::CancelResult> CancelScheduled(const std::string& topic,
                                                       const std::string& msg_id,
                                                       const ternmq::SendOptions& options) override;
  const std::string& client_id() const override { return client_id_; }

  // For TransactionProducerImpl: sends `message` as a transactional half
  // message (properties TRAN_MSG=true and PGROUP=group, sysFlag
  // TRANSACTION_PREPARED), otherwise exactly like Send (retries included).
  ternmq::Result<ternmq::SendResult> SendHalf(const ternmq::Message& message,
                                              const ternmq::SendOptions& options = {});

  // The shared client (routes, heartbeats); used by tests and TransactionProducerImpl.
  // Null unless started.
  ClientInstance* instance() { return instance_; }

 private:
  enum class State { kCreated, kRunning, kStopping, kStopped };
  struct AsyncSend;
  class OpGuard;

  // Counts one send in progress; false when not running.
  bool BeginOp();
  void EndOp();
  ternmq::Status NotRunning() const;
  int64_t TimeoutOf(const ternmq::SendOptions& options) const;

  ternmq::Result<ternmq::SendResult> SendWithRetries(const PreparedSend& prepared,
                                                     int64_t timeout_ms);
  ternmq::Result<ternmq::SendResult> SendToQueue(const PreparedSend& prepared,
                                                 const ternmq::MessageQueue& queue,
                                                 int64_t timeout_ms);
  // Selector and sharding-key sends: one attempt on the picked queue.
  ternmq::Result<ternmq::SendResult> SendSelected(
      const ternmq::Message& message, std::string_view sharding_key,
      const ternmq::MessageQueueSelector* selector, const ternmq::SendOptions& options);
  bool ShouldRetry(const ternmq::Status& status) const;
  void NoteFailure(const std::string& topic, const std::string& broker,
                   const ternmq::Status& status);

  void AsyncRoute(std::shared_ptr<AsyncSend> send);
  void AsyncAttempt(std::shared_ptr<AsyncSend> send, const PublishInfoPtr& info);
  void AsyncFailed(std::shared_ptr<AsyncSend> send, const ternmq::MessageQueue& queue,
                   ternmq::Status status);
  void AsyncFinish(std::shared_ptr<AsyncSend> send, ternmq::Result<ternmq::SendResult> result);

  const ternmq::ProducerOptions options_;
  const Clock& clock_;
  const SendLimits limits_;
  const AutoCreateTopic auto_create_;
  BrokerBackoff backoff_;
  CallbackExecutor executor_;
  std::unique_ptr<net::CoalescedCall> callback_wake_;  // set in Start (needs the loop)
  std::string client_id_;
  ClientInstance* instance_ = nullptr;  // set by Start(), cleared by Shutdown()

  std::mutex mu_;
  std::condition_variable idle_cv_;
  State state_ = State::kCreated;  // GUARDED_BY(mu_)
  int64_t in_flight_ = 0;          // GUARDED_BY(mu_)
};

}  // namespace tern::client
