#include "src/client/pull_consumer_impl.h"

#include "src/base/logging.h"
#include "src/client/consumer_requests.h"
#include "src/client/pull_api.h"
#include "src/client/send_request.h"
#include "src/client/status_convert.h"
#include "src/protocol/perm.h"

namespace ternmq {

std::string_view PullStatusName(PullStatus status) {
  switch (status) {
    case PullStatus::kFound:
      return "FOUND";
    case PullStatus::kNoNewMessage:
      return "NO_NEW_MSG";
    case PullStatus::kNoMatchedMessage:
      return "NO_MATCHED_MSG";
    case PullStatus::kOffsetIllegal:
      return "OFFSET_ILLEGAL";
  }
  return "UNKNOWN";
}

Result<std::unique_ptr<PullConsumer>> PullConsumer::Create(const PullConsumerOptions& options) {
  if (auto st = tern::client::ValidatePullConsumerOptions(options); !st.ok()) return st;
  return std::unique_ptr<PullConsumer>(new tern::client::PullConsumerImpl(options));
}

}  // namespace ternmq

namespace tern::client {

using ternmq::StatusCode;

ternmq::Status ValidatePullConsumerOptions(const ternmq::PullConsumerOptions& o) {
  if (auto st = ValidateGroup(o.group, "PullConsumerOptions.group"); !st.ok()) return st;
  if (auto st = ValidateClientConfig(ClientConfigFrom(o, o.rpc_timeout_ms), "PullConsumerOptions"); !st.ok()) return st;
  if (o.pull_timeout_ms <= 0) {
    return ternmq::Status(StatusCode::kInvalidArgument, "PullConsumerOptions.pull_timeout_ms must be > 0");
  }
  if (o.rpc_timeout_ms <= 0) {
    return ternmq::Status(StatusCode::kInvalidArgument, "PullConsumerOptions.rpc_timeout_ms must be > 0");
  }
  return ternmq::Status::Ok();
}

class PullConsumerImpl::OpGuard {
 public:
  explicit OpGuard(PullConsumerImpl& c) : c_(c), ok_(c.BeginOp()) {}
  ~OpGuard() {
    if (ok_) c_.EndOp();
  }
  bool ok() const { return ok_; }

 private:
  PullConsumerImpl& c_;
  bool ok_;
};

PullConsumerImpl::PullConsumerImpl(ternmq::PullConsumerOptions options)
    : options_(WithInstanceName(std::move(options))),
      client_id_(MakeClientId(LocalIpv4(), options_.instance_name)) {}

PullConsumerImpl::~PullConsumerImpl() { Shutdown(); }

ternmq::Status PullConsumerImpl::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (state_ != State::kCreated) {
    return ternmq::Status(StatusCode::kIllegalState, state_ == State::kRunning
                                                         ? "consumer already started"
                                                         : "consumer was shut down");
  }
  auto instance = ClientInstance::Acquire(ClientConfigFrom(options_, options_.rpc_timeout_ms));
  if (!instance.ok()) return instance.status();
  ConsumerRegistration registration;
  const std::string group = options_.group;
  registration.data = [group] {
    protocol::ConsumerData d;
    d.group_name = group;
    d.consume_type = protocol::ConsumeType::kConsumeActively;
    return d;
  };
  registration.on_ids_changed = [] {};
  if (auto st = (*instance)->RegisterConsumer(options_.group, std::move(registration)); !st.ok()) {
    ClientInstance::Release(*instance);
    return st;
  }
  instance_ = *instance;
  client_id_ = instance_->client_id();
  state_ = State::kRunning;
  TERN_LOG_INFO("pull consumer {} started as {}", options_.group, client_id_);
  return ternmq::Status::Ok();
}

void PullConsumerImpl::Shutdown() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (state_ == State::kCreated) state_ = State::kStopped;
    if (state_ != State::kRunning) return;
    state_ = State::kStopping;
    idle_cv_.wait(lock, [this] { return in_flight_ == 0; });
  }
  instance_->UnregisterConsumer(options_.group);
  ClientInstance::Release(instance_);
  instance_ = nullptr;
  std::lock_guard<std::mutex> lock(mu_);
  state_ = State::kStopped;
}

bool PullConsumerImpl::BeginOp() {
  std::lock_guard<std::mutex> lock(mu_);
  if (state_ != State::kRunning) return false;
  ++in_flight_;
  return true;
}

void PullConsumerImpl::EndOp() {
  std::lock_guard<std::mutex> lock(mu_);
  if (--in_flight_ == 0) idle_cv_.notify_all();
}

ternmq::Status PullConsumerImpl::NotRunning() const {
  return ternmq::Status(StatusCode::kIllegalState,
                        "pull consumer " + options_.group + " is not started or was shut down");
}

ternmq::Result<std::string> PullConsumerImpl::BrokerAddr(const ternmq::MessageQueue& queue) {
  if (auto addr = instance_->MasterAddress(queue.broker_name)) return *addr;
  auto route = instance_->FetchRoute(queue.topic, options_.rpc_timeout_ms);
  if (!route.ok()) return route.status();
  if (auto addr = instance_->MasterAddress(queue.broker_name)) return *addr;
  return ternmq::Status(StatusCode::kNotFound,
                        "broker " + queue.broker_name + " has no master in the route of " +
                            queue.topic);
}

ternmq::Result<std::vector<ternmq::MessageQueue>> PullConsumerImpl::FetchSubscribeQueues(
    const std::string& topic) {
  OpGuard op(*this);
  if (!op.ok()) return NotRunning();
  if (auto st = ValidateTopic(topic); !st.ok()) return st;
  auto route = instance_->FetchRoute(topic, options_.rpc_timeout_ms);
  if (!route.ok()) return route.status();
  std::vector<ternmq::MessageQueue> queues;
  for (const auto& qd : route->queue_datas) {
    if (!protocol::IsReadable(qd.perm)) continue;
    for (int32_t i = 0; i < qd.read_queue_nums; ++i) queues.push_back({topic, qd.broker_name, i});
  }
  std::sort(queues.begin(), queues.end());
  if (queues.empty()) {
    return ternmq::Status(StatusCode::kNotFound, "topic " + topic + " has no readable queue");
  }
  return queues;
}

ternmq::Result<ternmq::PullResult> PullConsumerImpl::Pull(const ternmq::MessageQueue& queue,
                                                          const std::string& tag_expression,
                                                          int64_t offset, int32_t max_nums,
                                                          const ternmq::PullOptions& options) {
  OpGuard op(*this);
  if (!op.ok()) return NotRunning();
  if (offset < 0) return ternmq::Status(StatusCode::kInvalidArgument, "offset must be >= 0");
  if (max_nums < 1 || max_nums > 1024) {
    return ternmq::Status(StatusCode::kInvalidArgument, "max_nums must be 1..1024");
  }
  if (options.long_poll_ms < 0 || options.timeout_ms < 0) {
    return ternmq::Status(StatusCode::kInvalidArgument, "negative PullOptions time");
  }
  auto addr = BrokerAddr(queue);
  if (!addr.ok()) return addr.status();
  PullArgs args;
  args.group = options_.group;
  args.queue = queue;
  args.offset = offset;
  args.max_nums = max_nums;
  args.subscription = protocol::BuildSubscriptionData(queue.topic, tag_expression, "TAG", 0);
  args.suspend_timeout_ms = options.long_poll_ms;
  int64_t timeout = options.timeout_ms;
  if (timeout == 0) {
    timeout = options_.pull_timeout_ms;
    if (options.long_poll_ms > 0) timeout = std::max(timeout, options.long_poll_ms + 5000);
  }
  auto response = FromTern(instance_->rpc().InvokeSync(*addr, BuildPullRequest(args), timeout));
  if (!response.ok()) return response.status();
  return ParsePullResponse(*response, queue, args.subscription);
}

ternmq::Status PullConsumerImpl::UpdateOffset(const ternmq::MessageQueue& queue, int64_t offset) {
  OpGuard op(*this);
  if (!op.ok()) return NotRunning();
  if (offset < 0) return ternmq::Status(StatusCode::kInvalidArgument, "offset must be >= 0");
  auto addr = BrokerAddr(queue);
  if (!addr.ok()) return addr.status();
  return UpdateConsumerOffset({instance_->rpc(), *addr, options_.rpc_timeout_ms}, options_.group,
                              queue, offset);
}

ternmq::Result<int64_t> PullConsumerImpl::QueryOffset(const ternmq::MessageQueue& queue) {
  OpGuard op(*this);
  if (!op.ok()) return NotRunning();
  auto addr = BrokerAddr(queue);
  if (!addr.ok()) return addr.status();
  return QueryConsumerOffset({instance_->rpc(), *addr, options_.rpc_timeout_ms}, options_.group,
                             queue);
}

ternmq::Result<int64_t> PullConsumerImpl::MinOffset(const ternmq::MessageQueue& queue) {
  OpGuard op(*this);
  if (!op.ok()) return NotRunning();
  auto addr = BrokerAddr(queue);
  if (!addr.ok()) return addr.status();
  return GetMinOffset({instance_->rpc(), *addr, options_.rpc_timeout_ms}, queue);
}

ternmq::Result<int64_t> PullConsumerImpl::MaxOffset(const ternmq::MessageQueue& queue) {
  OpGuard op(*this);
  if (!op.ok()) return NotRunning();
  auto addr = BrokerAddr(queue);
  if (!addr.ok()) return addr.status();
  return GetMaxOffset({instance_->rpc(), *addr, options_.rpc_timeout_ms}, queue);
}

ternmq::Result<int64_t> PullConsumerImpl::SearchOffset(const ternmq::MessageQueue& queue,
                                                       int64_t timestamp_ms) {
  OpGuard op(*this);
  if (!op.ok()) return NotRunning();
  auto addr = BrokerAddr(queue);
  if (!addr.ok()) return addr.status();
  return tern::client::SearchOffset({instance_->rpc(), *addr, options_.rpc_timeout_ms}, queue,
                                    timestamp_ms);
}

}  // namespace tern::client
