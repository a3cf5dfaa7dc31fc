#include "broker/registration/broker_registration.h"

#include <fmt/format.h>

#include <chrono>
#include <memory>

#include "broker/broker_config.h"
#include "src/base/crc32.h"
#include "src/base/logging.h"
#include "src/protocol/codes.h"
#include "src/protocol/perm.h"

namespace tern::broker {

using remoting::RemotingCommand;

RegistrationOptions RegistrationOptions::FromConfig(const BrokerConfig& config) {
  RegistrationOptions o;
  o.cluster_name = config.broker_cluster_name;
  o.broker_name = config.broker_name;
  o.broker_addr = config.BrokerAddr();
  o.ha_server_addr = config.HaServerAddr();
  o.broker_id = config.broker_id;
  o.broker_permission = config.broker_permission;
  o.namesrv_addrs = config.NamesrvAddrList();
  o.period_ms = config.RegisterPeriodMs();
  o.timeout_ms = config.register_broker_timeout_mills;
  return o;
}

protocol::RegisterBrokerBody BuildRegisterBrokerBody(protocol::TopicConfigSerializeWrapper topics,
                                                     int32_t broker_permission) {
  if (!protocol::IsReadable(broker_permission) || !protocol::IsWriteable(broker_permission)) {
    for (auto& [name, config] : topics.topic_config_table) config.perm = broker_permission;
  }
  protocol::RegisterBrokerBody body;
  body.topic_config_serialize_wrapper = std::move(topics);
  return body;
}

RemotingCommand BuildRegisterBrokerRequest(const RegistrationOptions& o,
                                           const protocol::RegisterBrokerBody& body) {
  RemotingCommand request = RemotingCommand::Request(protocol::RequestCode::kRegisterBroker);
  request.body = body.Encode();
  request.SetField("brokerName", o.broker_name);
  request.SetField("brokerAddr", o.broker_addr);
  request.SetField("clusterName", o.cluster_name);
  request.SetField("haServerAddr", o.ha_server_addr);
  request.SetField("brokerId", o.broker_id);
  request.SetField("compressed", false);
  request.SetField("bodyCrc32", static_cast<int64_t>(JavaPositiveCrc32(request.body)));
  return request;
}

RemotingCommand BuildUnregisterBrokerRequest(const RegistrationOptions& o) {
  RemotingCommand request = RemotingCommand::Request(protocol::RequestCode::kUnregisterBroker);
  request.SetField("brokerName", o.broker_name);
  request.SetField("brokerAddr", o.broker_addr);
  request.SetField("clusterName", o.cluster_name);
  request.SetField("brokerId", o.broker_id);
  return request;
}

BrokerRegistration::BrokerRegistration(RegistrationOptions options, TopicConfigSource& topics,
                                       remoting::RpcClient& client, const Clock& clock)
    : options_(std::move(options)),
      broker_permission_(options_.broker_permission),
      topics_(topics),
      client_(client),
      clock_(clock) {}

BrokerRegistration::~BrokerRegistration() { Stop(/*unregister=*/false); }

Status BrokerRegistration::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable() || stopping_) {
    return Status::Internal("broker registration started twice");
  }
  if (options_.namesrv_addrs.empty()) {
    TERN_LOG_WARN("namesrvAddr is empty: this broker registers with no nameserver");
  }
  thread_ = std::thread([this] { ThreadMain(); });
  return Status::Ok();
}

void BrokerRegistration::RequestRegister() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    requested_ = true;
  }
  cv_.notify_all();
}

void BrokerRegistration::RegisterThen(std::function<void()> done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      requested_ = true;
      waiting_.push_back(std::move(done));
      done = nullptr;
    }
  }
  if (done) {
    done();
    return;
  }
  cv_.notify_all();
}

void BrokerRegistration::SetBrokerPermission(int32_t perm) {
  broker_permission_.store(perm);
  RequestRegister();
}

void BrokerRegistration::Stop(bool unregister) {
  bool was_running = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    was_running = thread_.joinable();
  }
  cv_.notify_all();
  if (was_running) thread_.join();
  std::vector<std::function<void()>> waiting;
  {
    std::lock_guard<std::mutex> lock(mu_);
    waiting.swap(waiting_);
  }
  for (auto& done : waiting) done();
  if (was_running && unregister) UnregisterAll();
}

void BrokerRegistration::ThreadMain() {
  log::SetThreadName("broker-register");
  while (true) {
    RunOnce(clock_.MonotonicMs());
    std::unique_lock<std::mutex> lock(mu_);
    if (stopping_) return;
    int64_t wait_ms = std::max<int64_t>(next_due_ms_ - clock_.MonotonicMs(), 10);
    cv_.wait_for(lock, std::chrono::milliseconds(wait_ms),
                 [this] { return stopping_ || requested_; });
    if (stopping_) return;
  }
}

bool BrokerRegistration::RunOnce(int64_t now_ms) {
  std::vector<std::function<void()>> waiting;  // their topics are in this pass's snapshot
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!requested_ && next_due_ms_ != 0 && now_ms < next_due_ms_) return false;
    requested_ = false;
    next_due_ms_ = now_ms + options_.period_ms;
    waiting.swap(waiting_);
  }
  RegisterAll();
  for (auto& done : waiting) done();
  return true;
}

int64_t BrokerRegistration::registrations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return registrations_;
}

std::vector<BrokerRegistration::NsResult> BrokerRegistration::RegisterAll() {
  protocol::RegisterBrokerBody body =
      BuildRegisterBrokerBody(topics_.TopicConfigSnapshot(), broker_permission_.load());
  std::vector<NsResult> results =
      SendToAll(BuildRegisterBrokerRequest(options_, body), "register broker");
  std::lock_guard<std::mutex> lock(mu_);
  ++registrations_;
  for (const NsResult& r : results) {
    if (r.status.ok()) {
      if (healthy_.insert(r.addr).second) {
        TERN_LOG_INFO("register broker {} ({}) to name server {} OK, {} topics",
                      options_.broker_name, options_.broker_addr, r.addr,
                      body.topic_config_serialize_wrapper.topic_config_table.size());
      }
    } else {
      healthy_.erase(r.addr);
      TERN_LOG_WARN("register broker {} to name server {} failed: {}", options_.broker_name, r.addr,
                    r.status.ToString());
    }
  }
  return results;
}

std::vector<BrokerRegistration::NsResult> BrokerRegistration::UnregisterAll() {
  std::vector<NsResult> results =
      SendToAll(BuildUnregisterBrokerRequest(options_), "unregister broker");
  for (const NsResult& r : results) {
    if (r.status.ok()) {
      TERN_LOG_INFO("unregister broker {} from name server {} OK", options_.broker_name, r.addr);
    } else {
      TERN_LOG_WARN("unregister broker {} from name server {} failed: {}", options_.broker_name,
                    r.addr, r.status.ToString());
    }
  }
  return results;
}

std::vector<BrokerRegistration::NsResult> BrokerRegistration::SendToAll(
    const RemotingCommand& request, std::string_view what) {
  // Answers arrive on the client's loop thread; the state is shared so that
  // an answer arriving after we gave up waiting still has somewhere to go.
  struct Pending {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<NsResult> results;
    size_t done = 0;
  };
  auto pending = std::make_shared<Pending>();
  const size_t n = options_.namesrv_addrs.size();
  pending->results.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const std::string& addr = options_.namesrv_addrs[i];
    pending->results[i] = {addr, Status::Timeout(fmt::format("{}: no answer", what))};
    client_.InvokeAsync(
        addr, request, options_.timeout_ms, [pending, i](Result<RemotingCommand> response) {
          Status st;
          if (!response.ok()) {
            st = response.status();
          } else if (response->code != protocol::ResponseCode::kSuccess) {
            st = Status::Unavailable(
                fmt::format("answered code {}: {}", response->code, response->remark.value_or("")));
          }
          std::lock_guard<std::mutex> lock(pending->mu);
          pending->results[i].status = std::move(st);
          ++pending->done;
          pending->cv.notify_all();
        });
  }
  std::unique_lock<std::mutex> lock(pending->mu);
  // The client times every request out itself; the margin only guards
  // against a callback that never comes.
  pending->cv.wait_for(lock, std::chrono::milliseconds(options_.timeout_ms + 5000),
                       [&] { return pending->done == n; });
  return pending->results;
}

}  // namespace tern::broker
