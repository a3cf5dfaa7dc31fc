#include "src/client/client_instance.h"

#include <fmt/ranges.h>

#include <chrono>
#include <random>

#include "src/base/logging.h"
#include "src/client/status_convert.h"
#include "src/protocol/codes.h"
#include "src/protocol/heartbeat_data.h"
#include "src/protocol/perm.h"

namespace tern::client {
namespace {

namespace RC = protocol::RequestCode;
using remoting::RemotingCommand;

std::mutex& RegistryMutex() {
  static std::mutex mu;
  return mu;
}
std::map<std::string, ClientInstance*>& Registry() {
  static auto* registry = new std::map<std::string, ClientInstance*>();
  return *registry;
}

uint32_t RandomStart() {
  static thread_local std::minstd_rand rng(std::random_device{}());
  return static_cast<uint32_t>(rng());
}

}  // namespace

ternmq::Result<ClientInstance*> ClientInstance::Acquire(const ClientConfig& config) {
  if (auto st = ValidateClientConfig(config, "ClientConfig"); !st.ok()) return st;
  std::string instance_name =
      config.instance_name.empty() ? DefaultInstanceName() : config.instance_name;
  std::string client_id = MakeClientId(LocalIpv4(), instance_name);
  std::lock_guard<std::mutex> lock(RegistryMutex());
  auto& registry = Registry();
  if (auto it = registry.find(client_id); it != registry.end()) {
    if (it->second->config_.name_servers != config.name_servers) {
      return ternmq::Status(ternmq::StatusCode::kInvalidArgument,
                            "client " + client_id +
                                " already runs with other name_servers; use another instance_name");
    }
    ++it->second->users_;
    return it->second;
  }
  ClientConfig effective = config;
  effective.instance_name = instance_name;
  auto* instance = new ClientInstance(std::move(effective), client_id);
  if (auto st = instance->Start(); !st.ok()) {
    instance->Shutdown();
    delete instance;
    return st;
  }
  instance->users_ = 1;
  registry[client_id] = instance;
  return instance;
}

void ClientInstance::Release(ClientInstance* instance) {
  {
    std::lock_guard<std::mutex> lock(RegistryMutex());
    if (--instance->users_ > 0) return;
    Registry().erase(instance->client_id_);
  }
  instance->Shutdown();
  delete instance;
}

ClientInstance::ClientInstance(ClientConfig config, std::string client_id)
    : config_(std::move(config)), client_id_(std::move(client_id)), loop_("ternmq-client") {}

ClientInstance::~ClientInstance() = default;

ternmq::Status ClientInstance::Start() {
  if (auto st = loop_.Start(); !st.ok()) return FromTern(st);
  remoting::RpcClientOptions rpc_options;
  rpc_options.name = "client " + client_id_;
  rpc_options.language = "CPP";
  rpc_ = std::make_unique<remoting::RpcClient>(loop_, rpc_options);
  ns_ = std::make_unique<NameServerClient>(*rpc_, config_.name_servers);
  bool ok = net::RunInLoopAndWait(loop_, [this] {
    refresh_timer_ =
        loop_.RunEvery(config_.route_refresh_interval_ms, [this] { RefreshAllRoutesAsync(); });
    heartbeat_timer_ =
        loop_.RunEvery(config_.heartbeat_interval_ms, [this] { SendHeartbeatsAsync(); });
    rpc_->RegisterSync(RC::kNotifyConsumerIdsChanged,
                       [this](const remoting::RequestContext&,
                              const RemotingCommand& request) -> Result<RemotingCommand> {
                         OnConsumerIdsChanged(request.StringOr("consumerGroup", ""));
                         return RemotingCommand::ResponseTo(request, protocol::ResponseCode::kSuccess);
                       });
    rpc_->RegisterSync(RC::kCheckTransactionState,
                       [this](const remoting::RequestContext& ctx,
                              const RemotingCommand& request) -> Result<RemotingCommand> {
                         std::lock_guard<std::mutex> lock(checkers_mu_);
                         for (auto& [group, checker] : checkers_) checker(ctx.peer, request);
                         return RemotingCommand::ResponseTo(request, protocol::ResponseCode::kSuccess);
                       });
  });
  if (!ok) return ternmq::Status(ternmq::StatusCode::kInternal, "client event loop stopped");
  TERN_LOG_INFO("client {} started, nameservers {}", client_id_,
                fmt::join(config_.name_servers, ";"));
  return ternmq::Status::Ok();
}

void ClientInstance::Shutdown() {
  if (loop_.running()) {
    net::RunInLoopAndWait(loop_, [this] {
      stopping_ = true;
      if (refresh_timer_ != 0) loop_.CancelTimer(refresh_timer_);
      if (heartbeat_timer_ != 0) loop_.CancelTimer(heartbeat_timer_);
      refresh_timer_ = heartbeat_timer_ = 0;
    });
  }
  stopping_ = true;
  if (rpc_) rpc_->Shutdown();
  loop_.Stop();
  ns_.reset();
  rpc_.reset();
  TERN_LOG_INFO("client {} stopped", client_id_);
}

ternmq::Status ClientInstance::RegisterProducer(const std::string& group) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!producer_groups_.insert(group).second) {
    return ternmq::Status(ternmq::StatusCode::kIllegalState,
                          "producer group " + group + " is already started in client " +
                              client_id_ + "; give one of them another instance_name");
  }
  return ternmq::Status::Ok();
}

ternmq::Status ClientInstance::RegisterTransactionChecker(const std::string& group,
                                                          TransactionChecker checker) {
  std::lock_guard<std::mutex> lock(checkers_mu_);
  if (!checkers_.emplace(group, std::move(checker)).second) {
    return ternmq::Status(ternmq::StatusCode::kIllegalState,
                          "transaction checker of group " + group + " is already registered");
  }
  return ternmq::Status::Ok();
}

void ClientInstance::UnregisterTransactionChecker(const std::string& group) {
  std::lock_guard<std::mutex> lock(checkers_mu_);
  checkers_.erase(group);
}

void ClientInstance::UnregisterProducer(const std::string& group) {
  std::lock_guard<std::mutex> lock(mu_);
  producer_groups_.erase(group);
}

ternmq::Status ClientInstance::RegisterConsumer(const std::string& group,
                                                ConsumerRegistration registration) {
  std::lock_guard<std::mutex> lock(consumers_mu_);
  if (!consumers_.emplace(group, std::move(registration)).second) {
    return ternmq::Status(ternmq::StatusCode::kIllegalState,
                          "consumer group " + group + " is already started in client " +
                              client_id_ + "; give one of them another instance_name");
  }
  ++consumer_count_;
  return ternmq::Status::Ok();
}

void ClientInstance::UnregisterConsumer(const std::string& group) {
  std::lock_guard<std::mutex> lock(consumers_mu_);
  if (consumers_.erase(group) > 0) --consumer_count_;
}

void ClientInstance::OnConsumerIdsChanged(const std::string& group) {
  std::lock_guard<std::mutex> lock(consumers_mu_);
  for (auto& [name, registration] : consumers_) {
    if (group.empty() || name == group) registration.on_ids_changed();
  }
}

std::vector<std::string> ClientInstance::RecordBrokersLocked(
    const protocol::TopicRouteData& route) {
  std::vector<std::string> new_masters;
  for (const auto& bd : route.broker_datas) {
    brokers_[bd.broker_name] = bd.broker_addrs;
    if (auto m = bd.broker_addrs.find(protocol::kMasterId); m != bd.broker_addrs.end()) {
      if (greeted_.insert(m->second).second) new_masters.push_back(m->second);
    }
  }
  return new_masters;
}

ternmq::Result<protocol::TopicRouteData> ClientInstance::FetchRoute(const std::string& topic,
                                                                    int64_t timeout_ms) {
  auto route = ns_->GetRoute(topic, timeout_ms);
  if (!route.ok()) return route;
  std::vector<std::string> new_masters;
  {
    std::lock_guard<std::mutex> lock(mu_);
    new_masters = RecordBrokersLocked(*route);
  }
  for (const auto& addr : new_masters) SendHeartbeat(addr);
  return route;
}

std::vector<std::string> ClientInstance::MasterAddresses() const {
  std::vector<std::string> masters;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [name, addrs] : brokers_) {
    if (auto m = addrs.find(protocol::kMasterId); m != addrs.end()) masters.push_back(m->second);
  }
  return masters;
}

ternmq::Status ClientInstance::SendHeartbeatsSync(int64_t timeout_ms) {
  ternmq::Status first;
  const std::string body = HeartbeatBody();
  for (const auto& addr : MasterAddresses()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      greeted_.insert(addr);
    }
    RemotingCommand request = RemotingCommand::Request(RC::kHeartBeat);
    request.body = body;
    auto r = FromTern(rpc_->InvokeSync(addr, std::move(request), timeout_ms));
    ternmq::Status st;
    if (!r.ok()) {
      st = r.status();
    } else if (r->code != protocol::ResponseCode::kSuccess) {
      st = BrokerError(r->code, r->remark, "broker " + addr);
    }
    if (!st.ok() && first.ok()) first = st;
  }
  return first;
}

ternmq::Result<PublishInfoPtr> ClientInstance::GetPublishInfo(const std::string& topic,
                                                              const AutoCreateTopic& auto_create,
                                                              int64_t timeout_ms) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = topics_.find(topic); it != topics_.end() && it->second.info) {
      return it->second.info;
    }
  }
  return RefreshRoute(topic, auto_create, timeout_ms);
}

ternmq::Result<PublishInfoPtr> ClientInstance::RefreshRoute(const std::string& topic,
                                                            const AutoCreateTopic& auto_create,
                                                            int64_t timeout_ms) {
  auto route = ns_->GetRoute(topic, timeout_ms);
  if (route.ok()) return UpdateRoute(topic, *route, false, auto_create);
  if (route.status().code() != ternmq::StatusCode::kNotFound) return route.status();
  {
    // A topic that had its own route keeps it (Java keeps the old route when
    // the nameserver says TOPIC_NOT_EXIST during a refresh).
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = topics_.find(topic);
        it != topics_.end() && it->second.info && !it->second.info->from_default_topic) {
      return it->second.info;
    }
  }
  return UseTemplateRoute(topic, auto_create,
                          ns_->GetRoute(auto_create.template_topic, timeout_ms));
}

ternmq::Result<PublishInfoPtr> ClientInstance::UseTemplateRoute(
    const std::string& topic, const AutoCreateTopic& auto_create,
    const ternmq::Result<protocol::TopicRouteData>& template_route) {
  if (template_route.ok()) return UpdateRoute(topic, *template_route, true, auto_create);
  if (template_route.status().code() == ternmq::StatusCode::kNotFound) {
    return ternmq::Status(ternmq::StatusCode::kNotFound,
                          "no route for topic " + topic + ", and none for the auto-create topic " +
                              auto_create.template_topic +
                              " (create the topic, or enable autoCreateTopicEnable on a broker)");
  }
  return template_route.status();
}

void ClientInstance::GetPublishInfoAsync(const std::string& topic,
                                         const AutoCreateTopic& auto_create, int64_t timeout_ms,
                                         PublishInfoCallback callback) {
  PublishInfoPtr cached;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = topics_.find(topic); it != topics_.end()) cached = it->second.info;
  }
  if (cached) return callback(std::move(cached));  // not under the lock: the callback sends
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  ns_->GetRouteAsync(
      topic, timeout_ms,
      [this, topic, auto_create, deadline,
       callback = std::move(callback)](ternmq::Result<protocol::TopicRouteData> route) {
        if (route.ok()) return callback(UpdateRoute(topic, *route, false, auto_create));
        if (route.status().code() != ternmq::StatusCode::kNotFound || stopping_)
          return callback(route.status());
        int64_t left = std::chrono::duration_cast<std::chrono::milliseconds>(
                           deadline - std::chrono::steady_clock::now())
                           .count();
        if (left <= 0) {
          return callback(ternmq::Status(ternmq::StatusCode::kTimeout,
                                         "timed out fetching the route of " + topic));
        }
        ns_->GetRouteAsync(auto_create.template_topic, left,
                           [this, topic, auto_create,
                            callback](ternmq::Result<protocol::TopicRouteData> tmpl) {
                             callback(UseTemplateRoute(topic, auto_create, tmpl));
                           });
      });
}

void ClientInstance::RefreshRouteAsync(const std::string& topic) {
  if (stopping_) return;
  AutoCreateTopic auto_create;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = topics_.find(topic);
    if (it == topics_.end()) return;
    auto_create = it->second.auto_create;
  }
  ns_->GetRouteAsync(topic, config_.rpc_timeout_ms,
                     [this, topic, auto_create](ternmq::Result<protocol::TopicRouteData> route) {
                       if (stopping_) return;
                       if (route.ok()) {
                         UpdateRoute(topic, *route, false, auto_create).status().IgnoreError();
                         return;
                       }
                       if (route.status().code() != ternmq::StatusCode::kNotFound) {
                         TERN_LOG_DEBUG("route refresh of {} failed: {}", topic,
                                        route.status().ToString());
                         return;
                       }
                       {
                         std::lock_guard<std::mutex> lock(mu_);
                         auto it = topics_.find(topic);
                         if (it != topics_.end() && it->second.info &&
                             !it->second.info->from_default_topic)
                           return;  // keep the topic's own last route
                       }
                       ns_->GetRouteAsync(
                           auto_create.template_topic, config_.rpc_timeout_ms,
                           [this, topic, auto_create](ternmq::Result<protocol::TopicRouteData> t) {
                             if (stopping_ || !t.ok()) return;
                             UpdateRoute(topic, *t, true, auto_create).status().IgnoreError();
                           });
                     });
}

void ClientInstance::RefreshAllRoutesAsync() {
  if (stopping_) return;
  std::vector<std::string> topics;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [topic, cached] : topics_) topics.push_back(topic);
  }
  for (const auto& topic : topics) RefreshRouteAsync(topic);
}

ternmq::Result<PublishInfoPtr> ClientInstance::UpdateRoute(const std::string& topic,
                                                           const protocol::TopicRouteData& route,
                                                           bool from_default_topic,
                                                           const AutoCreateTopic& auto_create) {
  std::vector<std::string> new_masters;
  PublishInfoPtr result;
  {
    std::lock_guard<std::mutex> lock(mu_);
    new_masters = RecordBrokersLocked(route);
    CachedTopic& cached = topics_[topic];
    cached.auto_create = auto_create;
    if (cached.info && cached.info->from_default_topic == from_default_topic &&
        cached.info->route == route) {
      result = cached.info;
    } else {
      auto built =
          BuildPublishInfo(topic, route, from_default_topic, auto_create.queue_nums, RandomStart());
      if (!built.ok()) {
        if (!cached.info) topics_.erase(topic);
        return built.status();
      }
      if (cached.info && cached.info->from_default_topic && !from_default_topic)
        TERN_LOG_INFO("topic {} now has its own route", topic);
      cached.info = *built;
      result = cached.info;
    }
  }
  for (const auto& addr : new_masters) SendHeartbeat(addr);
  return result;
}

std::optional<std::string> ClientInstance::MasterAddress(const std::string& broker_name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = brokers_.find(broker_name);
  if (it == brokers_.end()) return std::nullopt;
  auto m = it->second.find(protocol::kMasterId);
  if (m == it->second.end()) return std::nullopt;
  return m->second;
}

std::string ClientInstance::HeartbeatBody() const {
  protocol::HeartbeatData data;
  data.client_id = client_id_;
  {
    std::lock_guard<std::mutex> lock(consumers_mu_);
    for (const auto& [group, registration] : consumers_) {
      data.consumer_data_set.push_back(registration.data());
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& group : producer_groups_) data.producer_data_set.push_back({group});
  return data.Encode();
}

void ClientInstance::SendHeartbeat(const std::string& addr) {
  if (stopping_) return;
  RemotingCommand request = RemotingCommand::Request(RC::kHeartBeat);
  request.body = HeartbeatBody();
  rpc_->InvokeAsync(addr, std::move(request), config_.rpc_timeout_ms,
                    [addr](Result<RemotingCommand> r) {
                      if (!r.ok()) {
                        TERN_LOG_DEBUG("heartbeat to {} failed: {}", addr, r.status().ToString());
                      } else if (r->code != protocol::ResponseCode::kSuccess) {
                        TERN_LOG_WARN("heartbeat to {} answered code {}: {}", addr, r->code,
                                      r->remark.value_or(""));
                      }
                    });
}

void ClientInstance::SendHeartbeatsAsync() {
  if (stopping_) return;
  std::vector<std::string> masters;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (producer_groups_.empty() && consumer_count_ == 0) return;
    for (const auto& [name, addrs] : brokers_) {
      if (auto m = addrs.find(protocol::kMasterId); m != addrs.end()) {
        masters.push_back(m->second);
        greeted_.insert(m->second);
      }
    }
  }
  for (const auto& addr : masters) SendHeartbeat(addr);
}

}  // namespace tern::client
