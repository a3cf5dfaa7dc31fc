#include "src/client/producer_impl.h"

#include "src/base/check.h"
#include "src/base/logging.h"
#include "src/client/status_convert.h"
#include "src/protocol/message_const.h"
#include "src/protocol/message_properties.h"

namespace ternmq {

std::string_view CancelResultName(CancelResult result) {
  switch (result) {
    case CancelResult::kCancelled: return "Cancelled";
    case CancelResult::kAlreadyDelivered: return "AlreadyDelivered";
    case CancelResult::kNotFound: return "NotFound";
  }
  return "?";
}

Result<std::unique_ptr<Producer>> Producer::Create(const ProducerOptions& options) {
  if (auto st = tern::client::ValidateProducerOptions(options); !st.ok()) return st;
  return std::unique_ptr<Producer>(
      new tern::client::ProducerImpl(options, tern::SystemClock::Instance()));
}

}  // namespace ternmq

namespace tern::client {
namespace {

using ternmq::StatusCode;

ternmq::Status Invalid(std::string msg) {
  return ternmq::Status(StatusCode::kInvalidArgument, "ProducerOptions." + msg);
}

}  // namespace

ternmq::Status ValidateProducerOptions(const ternmq::ProducerOptions& o) {
  if (auto st = ValidateGroup(o.group, "ProducerOptions.group"); !st.ok()) return st;
  if (o.send_timeout_ms <= 0) return Invalid("send_timeout_ms must be > 0");
  if (auto st = ValidateClientConfig(ClientConfigFrom(o, o.send_timeout_ms), "ProducerOptions");
      !st.ok())
    return st;
  if (o.retry_times_when_send_failed < 0) return Invalid("retry_times_when_send_failed must be >= 0");
  if (o.retry_times_when_send_async_failed < 0)
    return Invalid("retry_times_when_send_async_failed must be >= 0");
  if (o.compress_over_bytes < 0) return Invalid("compress_over_bytes must be >= 0");
  if (o.compress_level < 0 || o.compress_level > 9)
    return Invalid("compress_level must be 0..9 (zlib)");
  if (o.max_message_bytes <= 0) return Invalid("max_message_bytes must be > 0");
  if (auto st = ValidateTopic(o.create_topic_key); !st.ok())
    return Invalid("create_topic_key: " + st.message());
  if (o.default_topic_queue_nums <= 0) return Invalid("default_topic_queue_nums must be > 0");
  if (o.broker_backoff_ms < 0) return Invalid("broker_backoff_ms must be >= 0");
  if (o.callback_threads < 1 || o.callback_threads > 256)
    return Invalid("callback_threads must be 1..256");
  return ternmq::Status::Ok();
}

// ---- lifecycle ---------------------------------------------------------------------------

// Counts a send in progress for Shutdown().
class ProducerImpl::OpGuard {
 public:
  explicit OpGuard(ProducerImpl& p) : p_(p), ok_(p.BeginOp()) {}
  ~OpGuard() {
    if (ok_) p_.EndOp();
  }
  bool ok() const { return ok_; }

 private:
  ProducerImpl& p_;
  bool ok_;
};

ProducerImpl::ProducerImpl(ternmq::ProducerOptions options, const Clock& clock)
    : options_(WithInstanceName(std::move(options))),
      clock_(clock),
      limits_{options_.max_message_bytes, options_.compress_over_bytes, options_.compress_level},
      auto_create_{options_.create_topic_key, options_.default_topic_queue_nums},
      backoff_(options_.broker_backoff_ms),
      executor_("ternmq-cb"),
      client_id_(MakeClientId(LocalIpv4(), options_.instance_name)) {}

ProducerImpl::~ProducerImpl() { Shutdown(); }

ternmq::Status ProducerImpl::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (state_ != State::kCreated) {
    return ternmq::Status(StatusCode::kIllegalState, state_ == State::kRunning
                                                         ? "producer already started"
                                                         : "producer was shut down");
  }
  auto instance = ClientInstance::Acquire(ClientConfigFrom(options_, options_.send_timeout_ms));
  if (!instance.ok()) return instance.status();
  if (auto st = (*instance)->RegisterProducer(options_.group); !st.ok()) {
    ClientInstance::Release(*instance);
    return st;
  }
  instance_ = *instance;
  client_id_ = instance_->client_id();
  // Answers read in one iteration of the client loop reach the callback
  // threads with one wake-up, given before the loop next polls.
  callback_wake_ =
      std::make_unique<net::CoalescedCall>(instance_->loop(), [this] { executor_.WakeWorkers(); });
  executor_.SetWakeDeferral([this] { return callback_wake_->Request(); });
  executor_.Start(options_.callback_threads);
  state_ = State::kRunning;
  TERN_LOG_INFO("producer {} started as {}", options_.group, client_id_);
  return ternmq::Status::Ok();
}

void ProducerImpl::Shutdown() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (state_ == State::kCreated) state_ = State::kStopped;
    if (state_ != State::kRunning) return;
    TERN_CHECK(!executor_.InWorkerThread()) << "Producer::Shutdown called from a SendCallback";
    state_ = State::kStopping;
    idle_cv_.wait(lock, [this] { return in_flight_ == 0; });
  }
  callback_wake_->Cancel();  // from here on a Post wakes a worker itself
  executor_.Stop();
  instance_->UnregisterProducer(options_.group);
  ClientInstance::Release(instance_);
  instance_ = nullptr;
  std::lock_guard<std::mutex> lock(mu_);
  state_ = State::kStopped;
  TERN_LOG_INFO("producer {} shut down", options_.group);
}

bool ProducerImpl::BeginOp() {
  std::lock_guard<std::mutex> lock(mu_);
  if (state_ != State::kRunning) return false;
  ++in_flight_;
  return true;
}

void ProducerImpl::EndOp() {
  std::lock_guard<std::mutex> lock(mu_);
  if (--in_flight_ == 0) idle_cv_.notify_all();
}

ternmq::Status ProducerImpl::NotRunning() const {
  return ternmq::Status(StatusCode::kIllegalState,
                        "producer " + options_.group + " is not started or was shut down");
}

int64_t ProducerImpl::TimeoutOf(const ternmq::SendOptions& options) const {
  return options.timeout_ms > 0 ? options.timeout_ms : options_.send_timeout_ms;
}

// ---- sync sends --------------------------------------------------------------------------

bool ProducerImpl::ShouldRetry(const ternmq::Status& status) const {
  return IsNetworkFailure(status) || (status.code() == StatusCode::kBrokerError &&
                                      IsRetriableResponseCode(status.response_code()));
}

void ProducerImpl::NoteFailure(const std::string& topic, const std::string& broker,
                               const ternmq::Status& status) {
  if (IsNetworkFailure(status)) backoff_.MarkFailed(broker, clock_.MonotonicMs());
  instance_->RefreshRouteAsync(topic);
  TERN_LOG_DEBUG("send to {} on {} failed: {}", topic, broker, status.ToString());
}

ternmq::Result<ternmq::SendResult> ProducerImpl::SendToQueue(const PreparedSend& prepared,
                                                             const ternmq::MessageQueue& queue,
                                                             int64_t timeout_ms) {
  auto addr = instance_->MasterAddress(queue.broker_name);
  if (!addr) {
    return ternmq::Status(StatusCode::kNetworkError,
                          "no master address known for broker " + queue.broker_name);
  }
  auto response = instance_->rpc().InvokeSync(
      *addr,
      BuildSendRequest(prepared, queue, options_.group, auto_create_.template_topic,
                       auto_create_.queue_nums, clock_.NowMs()),
      timeout_ms);
  if (!response.ok()) return FromTern(response.status());
  return ParseSendResponse(*response, queue, prepared);
}

ternmq::Result<ternmq::SendResult> ProducerImpl::SendWithRetries(const PreparedSend& prepared,
                                                                 int64_t timeout_ms) {
  const int64_t deadline = clock_.MonotonicMs() + timeout_ms;
  auto info = instance_->GetPublishInfo(prepared.topic, auto_create_, timeout_ms);
  if (!info.ok()) return info.status();
  const int attempts = 1 + options_.retry_times_when_send_failed;
  std::string last_broker;
  ternmq::Status last_error;
  int tried = 0;
  for (; tried < attempts; ++tried) {
    int64_t now = clock_.MonotonicMs();
    if (now >= deadline) break;
    auto queue = SelectQueue(**info, last_broker, &backoff_, now);
    if (!queue) break;  // cannot happen: BuildPublishInfo never yields an empty list
    auto result = SendToQueue(prepared, *queue, deadline - now);
    if (result.ok()) return result;
    last_error = result.status();
    last_broker = queue->broker_name;
    NoteFailure(prepared.topic, last_broker, last_error);
    if (!ShouldRetry(last_error)) return last_error;
    if (auto fresh = instance_->GetPublishInfo(prepared.topic, auto_create_, 1); fresh.ok())
      info = std::move(fresh);
  }
  std::string attempts_text = std::to_string(tried) + (tried == 1 ? " attempt" : " attempts");
  if (clock_.MonotonicMs() >= deadline) {
    return ternmq::Status(StatusCode::kTimeout,
                          "send to " + prepared.topic + " timed out after " +
                              std::to_string(timeout_ms) + " ms and " + attempts_text +
                              (last_error.ok() ? "" : "; last error: " + last_error.ToString()));
  }
  return ternmq::Status(last_error.code(),
                        "send to " + prepared.topic + " failed after " + attempts_text + ": " +
                            last_error.message(),
                        last_error.response_code());
}

ternmq::Result<ternmq::SendResult> ProducerImpl::Send(const ternmq::Message& message,
                                                      const ternmq::SendOptions& options) {
  OpGuard guard(*this);
  if (!guard.ok()) return NotRunning();
  auto prepared = PrepareMessage(message, limits_, protocol::UniqueIdGenerator::ForThisProcess());
  if (!prepared.ok()) return prepared.status();
  return SendWithRetries(*prepared, TimeoutOf(options));
}

ternmq::Result<ternmq::SendResult> ProducerImpl::SendHalf(const ternmq::Message& message,
                                                          const ternmq::SendOptions& options) {
  OpGuard guard(*this);
  if (!guard.ok()) return NotRunning();
  auto prepared = PrepareMessage(message, limits_, protocol::UniqueIdGenerator::ForThisProcess());
  if (!prepared.ok()) return prepared.status();
  protocol::AppendProperty(&prepared->properties, protocol::PropertyKey::kTransactionPrepared,
                           "true");
  protocol::AppendProperty(&prepared->properties, protocol::PropertyKey::kProducerGroup,
                           options_.group);
  prepared->sys_flag |= protocol::MessageSysFlag::kTransactionPrepared;
  return SendWithRetries(*prepared, TimeoutOf(options));
}

ternmq::Result<ternmq::SendResult> ProducerImpl::SendBatch(
    const std::vector<ternmq::Message>& messages, const ternmq::SendOptions& options) {
  OpGuard guard(*this);
  if (!guard.ok()) return NotRunning();
  auto prepared = PrepareBatch(messages, limits_, protocol::UniqueIdGenerator::ForThisProcess());
  if (!prepared.ok()) return prepared.status();
  return SendWithRetries(*prepared, TimeoutOf(options));
}

ternmq::Result<ternmq::SendResult> ProducerImpl::SendSelected(
    const ternmq::Message& message, std::string_view sharding_key,
    const ternmq::MessageQueueSelector* selector, const ternmq::SendOptions& options) {
  OpGuard guard(*this);
  if (!guard.ok()) return NotRunning();
  const int64_t timeout_ms = TimeoutOf(options);
  const int64_t deadline = clock_.MonotonicMs() + timeout_ms;
  auto prepared = PrepareMessage(message, limits_, protocol::UniqueIdGenerator::ForThisProcess(),
                                 sharding_key);
  if (!prepared.ok()) return prepared.status();
  auto info = instance_->GetPublishInfo(prepared->topic, auto_create_, timeout_ms);
  if (!info.ok()) return info.status();
  const auto& queues = (*info)->queues;
  size_t index = selector ? (*selector)(queues, message) : ShardingIndex(sharding_key, queues.size());
  if (index >= queues.size()) {
    return ternmq::Status(StatusCode::kInvalidArgument,
                          "MessageQueueSelector returned " + std::to_string(index) + " for " +
                              std::to_string(queues.size()) + " queues");
  }
  int64_t left = deadline - clock_.MonotonicMs();
  if (left <= 0) {
    return ternmq::Status(StatusCode::kTimeout, "send to " + prepared->topic + " timed out after " +
                                                    std::to_string(timeout_ms) + " ms");
  }
  auto result = SendToQueue(*prepared, queues[index], left);
  if (!result.ok()) NoteFailure(prepared->topic, queues[index].broker_name, result.status());
  return result;
}

ternmq::Result<ternmq::SendResult> ProducerImpl::Send(const ternmq::Message& message,
                                                      const ternmq::MessageQueueSelector& selector,
                                                      const ternmq::SendOptions& options) {
  if (!selector) {
    return ternmq::Status(StatusCode::kInvalidArgument, "MessageQueueSelector is empty");
  }
  return SendSelected(message, {}, &selector, options);
}

ternmq::Result<ternmq::SendResult> ProducerImpl::SendOrderly(const ternmq::Message& message,
                                                             std::string_view sharding_key,
                                                             const ternmq::SendOptions& options) {
  if (sharding_key.empty()) {
    return ternmq::Status(StatusCode::kInvalidArgument, "sharding key is empty");
  }
  return SendSelected(message, sharding_key, nullptr, options);
}

ternmq::Status ProducerImpl::SendOneway(const ternmq::Message& message) {
  OpGuard guard(*this);
  if (!guard.ok()) return NotRunning();
  auto prepared = PrepareMessage(message, limits_, protocol::UniqueIdGenerator::ForThisProcess());
  if (!prepared.ok()) return prepared.status();
  auto info = instance_->GetPublishInfo(prepared->topic, auto_create_, options_.send_timeout_ms);
  if (!info.ok()) return info.status();
  auto queue = SelectQueue(**info, {}, &backoff_, clock_.MonotonicMs());
  auto addr = queue ? instance_->MasterAddress(queue->broker_name) : std::nullopt;
  if (!addr) {
    return ternmq::Status(StatusCode::kNetworkError,
                          "no broker address for topic " + prepared->topic);
  }
  instance_->rpc().InvokeOneway(
      *addr, BuildSendRequest(*prepared, *queue, options_.group, auto_create_.template_topic,
                              auto_create_.queue_nums, clock_.NowMs()));
  return ternmq::Status::Ok();
}

ternmq::Result<std::vector<ternmq::MessageQueue>> ProducerImpl::FetchPublishQueues(
    const std::string& topic) {
  if (auto st = ValidateTopic(topic); !st.ok()) return st;
  OpGuard guard(*this);
  if (!guard.ok()) return NotRunning();
  auto info = instance_->GetPublishInfo(topic, auto_create_, options_.send_timeout_ms);
  if (!info.ok()) return info.status();
  return (*info)->queues;
}

// ---- cancel a scheduled message ---------------------------------------------------------

namespace {
// CANCEL_SCHEDULED_MESSAGE (broker/delay/README.md): header topic + uniqKey;
// SUCCESS with field result = CANCELLED | ALREADY_DELIVERED | NOT_FOUND.
constexpr int32_t kCancelScheduledMessage = 5001;
}  // namespace

ternmq::Result<ternmq::CancelResult> ProducerImpl::CancelScheduled(
    const std::string& topic, const std::string& msg_id, const ternmq::SendOptions& options) {
  if (auto st = ValidateTopic(topic); !st.ok()) return st;
  if (msg_id.empty()) {
    return ternmq::Status(StatusCode::kInvalidArgument,
                          "CancelScheduled: msg_id (the UNIQ_KEY of SendResult::msg_id) is empty");
  }
  OpGuard guard(*this);
  if (!guard.ok()) return NotRunning();
  const int64_t timeout_ms = TimeoutOf(options);
  const int64_t deadline = clock_.MonotonicMs() + timeout_ms;
  auto route = instance_->FetchRoute(topic, timeout_ms);
  if (!route.ok()) return route.status();
  ternmq::Status last_error;
  for (const auto& broker : route->broker_datas) {
    auto master = broker.broker_addrs.find(0);
    if (master == broker.broker_addrs.end()) continue;
    int64_t left = deadline - clock_.MonotonicMs();
    if (left <= 0) {
      last_error = ternmq::Status(StatusCode::kTimeout, "CancelScheduled on " + topic +
                                                            " timed out after " +
                                                            std::to_string(timeout_ms) + " ms");
      break;
    }
    auto request = remoting::RemotingCommand::Request(kCancelScheduledMessage);
    request.SetField("topic", topic);
    request.SetField("uniqKey", msg_id);
    auto response = instance_->rpc().InvokeSync(master->second, std::move(request), left);
    if (!response.ok()) {
      last_error = FromTern(response.status());
      continue;
    }
    if (response->code != protocol::ResponseCode::kSuccess) {
      last_error = BrokerError(response->code, response->remark, "broker " + master->second);
      continue;
    }
    auto result = response->Field("result");
    if (result == "CANCELLED") return ternmq::CancelResult::kCancelled;
    if (result == "ALREADY_DELIVERED") return ternmq::CancelResult::kAlreadyDelivered;
    if (result != "NOT_FOUND") {
      last_error = ternmq::Status(StatusCode::kBrokerError,
                                  "broker " + master->second +
                                      " answered CANCEL_SCHEDULED_MESSAGE without a known result",
                                  response->code);
    }
  }
  if (!last_error.ok()) return last_error;
  return ternmq::CancelResult::kNotFound;
}

// ---- async sends -------------------------------------------------------------------------

struct ProducerImpl::AsyncSend {
  PreparedSend prepared;
  ternmq::SendCallback callback;
  int64_t timeout_ms = 0;
  int64_t deadline_ms = 0;  // clock_.MonotonicMs() based
  int attempts_left = 0;
  int tried = 0;
  std::string last_broker;
  ternmq::Status last_error;
};

void ProducerImpl::SendAsync(const ternmq::Message& message, ternmq::SendCallback callback,
                             const ternmq::SendOptions& options) {
  if (!callback) callback = [](ternmq::Result<ternmq::SendResult>) {};
  if (!BeginOp()) {
    // No callback thread exists before Start() or after Shutdown(): runs inline.
    executor_.Post([callback, st = NotRunning()] { callback(st); });
    return;
  }
  auto send = std::make_shared<AsyncSend>();
  send->callback = std::move(callback);
  send->timeout_ms = TimeoutOf(options);
  send->deadline_ms = clock_.MonotonicMs() + send->timeout_ms;
  send->attempts_left = 1 + options_.retry_times_when_send_async_failed;
  auto prepared = PrepareMessage(message, limits_, protocol::UniqueIdGenerator::ForThisProcess());
  if (!prepared.ok()) return AsyncFinish(std::move(send), prepared.status());
  send->prepared = std::move(prepared).value();
  AsyncRoute(std::move(send));
}

void ProducerImpl::AsyncRoute(std::shared_ptr<AsyncSend> send) {
  int64_t left = send->deadline_ms - clock_.MonotonicMs();
  if (left <= 0) {
    ternmq::Status timeout(StatusCode::kTimeout,
                           "send to " + send->prepared.topic + " timed out while routing");
    return AsyncFinish(std::move(send), std::move(timeout));
  }
  std::string topic = send->prepared.topic;
  instance_->GetPublishInfoAsync(topic, auto_create_, left,
                                 [this, send](ternmq::Result<PublishInfoPtr> info) {
                                   if (!info.ok()) return AsyncFinish(send, info.status());
                                   AsyncAttempt(send, *info);
                                 });
}

void ProducerImpl::AsyncAttempt(std::shared_ptr<AsyncSend> send, const PublishInfoPtr& info) {
  int64_t now = clock_.MonotonicMs();
  auto queue = SelectQueue(*info, send->last_broker, &backoff_, now);
  if (!queue) {
    return AsyncFinish(std::move(send), ternmq::Status(StatusCode::kNotFound, "no queue"));
  }
  --send->attempts_left;
  ++send->tried;
  auto addr = instance_->MasterAddress(queue->broker_name);
  if (!addr) {
    return AsyncFailed(std::move(send), *queue,
                       ternmq::Status(StatusCode::kNetworkError,
                                      "no master address known for broker " + queue->broker_name));
  }
  instance_->rpc().InvokeAsync(
      *addr,
      BuildSendRequest(send->prepared, *queue, options_.group, auto_create_.template_topic,
                       auto_create_.queue_nums, clock_.NowMs()),
      send->deadline_ms - now,
      [this, send, queue = *queue](Result<remoting::RemotingCommand> response) {
        if (!response.ok()) return AsyncFailed(send, queue, FromTern(response.status()));
        auto result = ParseSendResponse(*response, queue, send->prepared);
        if (!result.ok()) return AsyncFailed(send, queue, result.status());
        AsyncFinish(send, std::move(result));
      });
}

void ProducerImpl::AsyncFailed(std::shared_ptr<AsyncSend> send, const ternmq::MessageQueue& queue,
                               ternmq::Status status) {
  NoteFailure(send->prepared.topic, queue.broker_name, status);
  send->last_broker = queue.broker_name;
  send->last_error = status;
  bool time_left = clock_.MonotonicMs() < send->deadline_ms;
  if (ShouldRetry(status) && send->attempts_left > 0 && time_left) return AsyncRoute(send);
  std::string attempts_text =
      std::to_string(send->tried) + (send->tried == 1 ? " attempt" : " attempts");
  if (!time_left) {
    return AsyncFinish(send, ternmq::Status(StatusCode::kTimeout,
                                            "send to " + send->prepared.topic + " timed out after " +
                                                std::to_string(send->timeout_ms) + " ms and " +
                                                attempts_text + "; last error: " +
                                                status.ToString()));
  }
  AsyncFinish(send, ternmq::Status(status.code(),
                                   "send to " + send->prepared.topic + " failed after " +
                                       attempts_text + ": " + status.message(),
                                   status.response_code()));
}

void ProducerImpl::AsyncFinish(std::shared_ptr<AsyncSend> send,
                               ternmq::Result<ternmq::SendResult> result) {
  executor_.Post([callback = std::move(send->callback), result = std::move(result)] {
    callback(result);
  });
  EndOp();
}

}  // namespace tern::client
