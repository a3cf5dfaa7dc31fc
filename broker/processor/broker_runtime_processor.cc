#include "broker/processor/broker_runtime_processor.h"

#include <fmt/format.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "broker/processor/mq_version.h"
#include "broker/processor/response_util.h"
#include "src/base/logging.h"
#include "src/base/properties.h"
#include "src/protocol/admin_bodies.h"
#include "src/protocol/codes.h"
#include "src/protocol/message_codec.h"

namespace tern::processor {

using remoting::RemotingCommand;
namespace RC = protocol::ResponseCode;

namespace {

// The keys the broker wiring pushes to the running parts (broker.cc,
// ApplyLiveConfig). Keys with no effect in TernMQ (BrokerConfig::compat, and
// slaveReadEnable: no slaves) may always change.
constexpr const char* kRuntimeKeys[] = {
    "brokerPermission",
    "autoCreateTopicEnable",
    "autoCreateSubscriptionGroup",
    "defaultTopicQueueNums",
    "notifyConsumerIdsChangedEnable",
    "rejectTransactionMessage",
    "slaveReadEnable",
    "traceOn",
    "regionId",
    "maxMessageSize",
    "fileReservedTime",
    "deleteWhen",
    "diskMaxUsedSpaceRatio",
    "cleanFileForciblyEnable",
};

// Current values of every registered key.
std::map<std::string, std::string> ConfigValues(const broker::BrokerConfig& config) {
  broker::BrokerConfig copy = config;  // the registry binds to a mutable struct
  ConfigRegistry registry;
  broker::RegisterBrokerConfig(registry, &copy);
  std::map<std::string, std::string> out;
  std::string text = registry.ToPropertiesText();
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string_view line(text.data() + pos, nl - pos);
    pos = nl + 1;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    out.emplace(std::string(line.substr(0, eq)), std::string(line.substr(eq + 1)));
  }
  return out;
}

// Java UtilAll.getDiskPartitionSpaceUsedPercent: used / total, -1 when the
// path cannot be read.
double DiskUsedRatio(const std::string& path) {
  struct statvfs st {};
  if (path.empty() || statvfs(path.c_str(), &st) != 0 || st.f_blocks == 0) return -1;
  const double total = static_cast<double>(st.f_blocks) * static_cast<double>(st.f_frsize);
  const double free = static_cast<double>(st.f_bfree) * static_cast<double>(st.f_frsize);
  return (total - free) / total;
}

std::string DirCapacity(const std::string& path) {
  struct statvfs st {};
  if (path.empty() || statvfs(path.c_str(), &st) != 0) return "";
  const auto total = static_cast<int64_t>(st.f_blocks) * static_cast<int64_t>(st.f_frsize);
  const auto free = static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
  return fmt::format("Total : {}, Free : {}.", HumanReadableBytes(total), HumanReadableBytes(free));
}

// Store time of the oldest record in the commit log, -1 when it is empty.
int64_t EarliestMessageTime(const store::MessageStore& store) {
  const store::CommitLog& log = store.commit_log();
  if (log.MinOffset() >= log.WrittenEnd()) return -1;
  auto view = log.ReadRecord(log.MinOffset());
  if (!view.ok()) return -1;
  auto rec = protocol::DecodeMessageRecord(view->data());
  return rec.ok() ? rec->store_timestamp : -1;
}

std::string CompatOr(const broker::BrokerConfig& config, const std::string& key,
                     std::string fallback) {
  auto it = config.compat.find(key);
  return it == config.compat.end() || it->second.empty() ? fallback : it->second;
}

}  // namespace

std::set<std::string, std::less<>> DefaultRuntimeConfigKeys() {
  std::set<std::string, std::less<>> keys(std::begin(kRuntimeKeys), std::end(kRuntimeKeys));
  broker::BrokerConfig defaults;
  ConfigRegistry registry;
  broker::RegisterBrokerConfig(registry, &defaults);
  for (const auto& [key, value] : defaults.compat) keys.insert(key);
  return keys;
}

std::string HumanReadableBytes(int64_t bytes) {
  constexpr int64_t kUnit = 1024;
  if (bytes < kUnit) return fmt::format("{} B", bytes);
  int exp = static_cast<int>(std::log(static_cast<double>(bytes)) / std::log(1024.0));
  exp = std::min(exp, 6);
  return fmt::format("{:.1f} {}iB", static_cast<double>(bytes) / std::pow(1024.0, exp),
                     "KMGTPE"[exp - 1]);
}

std::string FormatRuntime(int64_t elapsed_ms) {
  constexpr int64_t kSecond = 1000, kMinute = 60 * kSecond, kHour = 60 * kMinute, kDay = 24 * kHour;
  if (elapsed_ms < 0) elapsed_ms = 0;
  return fmt::format("[ {} days, {} hours, {} minutes, {} seconds ]", elapsed_ms / kDay,
                     (elapsed_ms % kDay) / kHour, (elapsed_ms % kHour) / kMinute,
                     (elapsed_ms % kMinute) / kSecond);
}

BrokerRuntimeProcessor::BrokerRuntimeProcessor(const broker::BrokerConfig& config,
                                               store::MessageStore& store, BrokerStats& stats,
                                               const Clock& clock, BrokerRuntimeOptions options)
    : store_(store), stats_(stats), clock_(clock), options_(std::move(options)), config_(config) {
  version_.timestamp = clock_.NowMs();
}

void BrokerRuntimeProcessor::SetConfigListener(BrokerConfigListener listener) {
  std::lock_guard<std::mutex> lock(mu_);
  listener_ = std::move(listener);
}

broker::BrokerConfig BrokerRuntimeProcessor::config() const {
  std::lock_guard<std::mutex> lock(mu_);
  return config_;
}

protocol::DataVersion BrokerRuntimeProcessor::config_version() const {
  std::lock_guard<std::mutex> lock(mu_);
  return version_;
}

void BrokerRuntimeProcessor::Register(remoting::RpcServer& server) {
  namespace Q = protocol::RequestCode;
  auto bind = [this](auto method) {
    return [this, method](const remoting::RequestContext&, const RemotingCommand& request) {
      return (this->*method)(request);
    };
  };
  server.RegisterSync(Q::kGetBrokerRuntimeInfo,
                      bind(&BrokerRuntimeProcessor::GetBrokerRuntimeInfo));
  server.RegisterSync(Q::kGetBrokerConfig, bind(&BrokerRuntimeProcessor::GetBrokerConfig));
  server.RegisterAsync(Q::kUpdateBrokerConfig, [this](const remoting::RequestContext&,
                                                      RemotingCommand request,
                                                      remoting::Responder responder) {
    UpdateBrokerConfig(std::move(request), std::move(responder));
  });
}

protocol::KvTable BrokerRuntimeProcessor::RuntimeInfo() const {
  const broker::BrokerConfig config = this->config();
  const int64_t now = clock_.NowMs();
  const store::CommitLog& log = store_.commit_log();
  const int64_t written = log.WrittenEnd().value();
  const BrokerStats::Totals totals = stats_.totals();
  auto s = [](int64_t v) { return std::to_string(v); };

  protocol::KvTable kv;
  auto& t = kv.table;
  t["brokerVersionDesc"] = MqVersionDesc(protocol::kOurVersion);
  t["brokerVersion"] = s(protocol::kOurVersion);
  t["brokerActive"] = "true";
  t["bootTimestamp"] = s(stats_.boot_ms());
  t["runtime"] = FormatRuntime(now - stats_.boot_ms());
  t["startAcceptSendRequestTimeStamp"] = "0";

  t["msgPutTotalTodayNow"] = s(totals.put_messages);
  t["msgGetTotalTodayNow"] = s(totals.get_transferred);
  t["msgPutTotalTodayMorning"] = s(stats_.msg_put_total_today_morning());
  t["msgGetTotalTodayMorning"] = s(stats_.msg_get_total_today_morning());
  t["msgPutTotalYesterdayMorning"] = s(stats_.msg_put_total_yesterday_morning());
  t["msgGetTotalYesterdayMorning"] = s(stats_.msg_get_total_yesterday_morning());
  t["putMessageTimesTotal"] = s(totals.put_messages);
  t["putMessageSizeTotal"] = s(totals.put_bytes);
  t["putMessageFailedTimes"] = s(totals.put_failed);
  t["putTps"] = stats_.PutTpsText();
  const std::string transferred = stats_.GetTransferredTpsText();
  t["getTransferedTps"] = transferred;   // 4.9 spelling
  t["getTransferredTps"] = transferred;  // 5.x spelling
  t["getFoundTps"] = stats_.GetFoundTpsText();
  t["getMissTps"] = stats_.GetMissTpsText();
  t["getTotalTps"] = stats_.GetTotalTpsText();

  t["commitLogMinOffset"] = s(log.MinOffset().value());
  t["commitLogMaxOffset"] = s(written);
  const std::string& log_dir = log.options().dir;
  t["commitLogDiskRatio"] = protocol::FormatJavaDouble(DiskUsedRatio(log_dir));
  t["commitLogDiskRatio_" + log_dir] = t["commitLogDiskRatio"];
  t["consumeQueueDiskRatio"] =
      protocol::FormatJavaDouble(DiskUsedRatio(store_.consume_queues().dir()));
  t["commitLogDirCapacity"] = DirCapacity(log_dir);
  t["dispatchBehindBytes"] =
      s(std::max<int64_t>(0, written - store_.dispatch().reput_from().value()));
  t["remainHowManyDataToFlush"] =
      HumanReadableBytes(std::max<int64_t>(0, written - log.FlushedEnd().value()));
  t["remainTransientStoreBufferNumbs"] = s(INT32_MAX);  // no transient store pool
  t["earliestMessageTimeStamp"] = s(EarliestMessageTime(store_));
  // Appends are not queued behind a lock the way Java's are: nothing to report.
  t["pageCacheLockTimeMills"] = "0";

  // Java's request thread pools; requests here are handled on the I/O loop,
  // so the queues are always empty. Capacities echo the configured values.
  t["sendThreadPoolQueueSize"] = "0";
  t["sendThreadPoolQueueCapacity"] = CompatOr(config, "sendThreadPoolQueueCapacity", "10000");
  t["pullThreadPoolQueueSize"] = "0";
  t["pullThreadPoolQueueCapacity"] = CompatOr(config, "pullThreadPoolQueueCapacity", "100000");
  t["litePullThreadPoolQueueSize"] = "0";
  t["litePullThreadPoolQueueCapacity"] = "100000";
  t["queryThreadPoolQueueSize"] = "0";
  t["queryThreadPoolQueueCapacity"] = CompatOr(config, "queryThreadPoolQueueCapacity", "20000");
  t["EndTransactionQueueSize"] = "0";
  t["EndTransactionThreadPoolQueueCapacity"] =
      CompatOr(config, "endTransactionPoolQueueCapacity", "100000");
  t["sendThreadPoolQueueHeadWaitTimeMills"] = "0";
  t["pullThreadPoolQueueHeadWaitTimeMills"] = "0";
  t["queryThreadPoolQueueHeadWaitTimeMills"] = "0";
  t["litePullThreadPoolQueueHeadWaitTimeMills"] = "0";

  // 5.x clusterList parses these unconditionally.
  t["timerReadBehind"] = "0";
  t["timerOffsetBehind"] = "0";
  t["timerCongestNum"] = "0";
  t["timerEnqueueTps"] = "0.0";
  t["timerDequeueTps"] = "0.0";

  // TernMQ additions: transactionPending, transactionCommitted, ... (broker/transaction).
  if (options_.extra_figures) {
    for (auto& [key, value] : options_.extra_figures()) t[key] = std::move(value);
  }
  return kv;
}

Result<RemotingCommand> BrokerRuntimeProcessor::GetBrokerRuntimeInfo(
    const RemotingCommand& request) {
  RemotingCommand response = MakeResponse(request, RC::kSuccess);
  response.body = RuntimeInfo().Encode();
  return response;
}

Result<RemotingCommand> BrokerRuntimeProcessor::GetBrokerConfig(const RemotingCommand& request) {
  broker::BrokerConfig copy;
  protocol::DataVersion version;
  {
    std::lock_guard<std::mutex> lock(mu_);
    copy = config_;
    version = version_;
  }
  ConfigRegistry registry;
  broker::RegisterBrokerConfig(registry, &copy);
  RemotingCommand response = MakeResponse(request, RC::kSuccess);
  response.body = registry.ToPropertiesText();
  response.SetField("version", version.Encode());
  return response;
}

namespace {

std::string JoinKeys(const std::vector<std::string>& keys, std::string_view sep) {
  std::string out;
  for (const auto& k : keys) {
    if (!out.empty()) out += sep;
    out += k;
  }
  return out;
}

// `base` with `props` applied and resolved, as the start-up does it.
Result<broker::BrokerConfig> WithUpdates(const broker::BrokerConfig& base,
                                         const PropertyList& props) {
  broker::BrokerConfig updated = base;
  ConfigRegistry registry;
  broker::RegisterBrokerConfig(registry, &updated);
  TERN_RETURN_IF_ERROR(registry.ApplyAll(props));
  TERN_RETURN_IF_ERROR(broker::ResolveBrokerConfig(&updated));
  return updated;
}

}  // namespace

Result<BrokerRuntimeProcessor::ConfigUpdate> BrokerRuntimeProcessor::ValidateUpdate(
    const PropertyList& props) const {
  std::lock_guard<std::mutex> lock(mu_);
  TERN_ASSIGN_OR_RETURN(broker::BrokerConfig updated, WithUpdates(config_, props));
  const auto before = ConfigValues(config_);
  const auto after = ConfigValues(updated);
  ConfigUpdate update;
  update.props = props;
  for (const auto& [key, value] : after) {
    auto it = before.find(key);
    if (it != before.end() && it->second == value) continue;
    bool live = options_.runtime_keys.count(key) != 0;
    if (live && key == "maxMessageSize" &&
        updated.max_message_size > options_.max_live_message_size) {
      live = false;  // the store's limits and buffers were sized at start
    }
    (live ? update.live : update.restart_only).push_back(key);
  }
  return update;
}

Status BrokerRuntimeProcessor::ApplyLive(const ConfigUpdate& update) {
  if (update.live.empty()) return Status::Ok();
  PropertyList live_props;
  for (const auto& [key, value] : update.props) {
    if (std::find(update.live.begin(), update.live.end(), key) != update.live.end()) {
      live_props.emplace_back(key, value);
    }
  }
  std::unique_lock<std::mutex> lock(mu_);
  // Re-applied on the current config: another update may have landed while
  // this one was being saved.
  TERN_ASSIGN_OR_RETURN(broker::BrokerConfig updated, WithUpdates(config_, live_props));
  config_ = updated;
  version_.Next(clock_.NowMs());
  BrokerConfigListener listener = listener_;
  lock.unlock();
  TERN_LOG_INFO("broker config updated by UPDATE_BROKER_CONFIG: {}", JoinKeys(update.live, ","));
  if (listener) listener(updated, update.live);
  return Status::Ok();
}

void BrokerRuntimeProcessor::UpdateBrokerConfig(RemotingCommand request,
                                                remoting::Responder responder) {
  auto answer = [&responder, &request](int32_t code, std::string remark = {}) {
    responder.Reply(MakeResponse(request, code, std::move(remark)));
  };
  if (request.body.empty()) return answer(RC::kSuccess);
  auto props = ParseProperties(request.body, "UPDATE_BROKER_CONFIG body");
  if (!props.ok()) return answer(RC::kSystemError, props.status().message());
  for (const auto& [key, value] : *props) {
    for (const std::string& banned : options_.black_list) {
      if (key == banned) return answer(RC::kNoPermission, "Can not update config in black list.");
    }
  }
  auto update = ValidateUpdate(*props);
  if (!update.ok()) return answer(RC::kSystemError, update.status().message());
  if (!update->restart_only.empty() && !options_.persist) {
    return answer(RC::kSystemError,
                  fmt::format("{} cannot be changed while the broker runs; set it in the broker's "
                              "config file and restart (this broker was started without one)",
                              JoinKeys(update->restart_only, ", ")));
  }
  if (!options_.persist) {
    Status st = ApplyLive(*update);
    return answer(st.ok() ? RC::kSuccess : RC::kSystemError, st.ok() ? "" : st.message());
  }
  // Saved first, applied once durable: an acknowledged change survives a
  // restart, and a failed save changes nothing.
  PropertyList to_save = update->props;  // copied before `update` moves into the callback
  options_.persist(
      std::move(to_save), [this, update = std::move(update).value(), request = std::move(request),
                      responder = std::move(responder)](Status saved) mutable {
        if (!saved.ok()) {
          TERN_LOG_WARN("UPDATE_BROKER_CONFIG: saving the config file failed: {}",
                        saved.ToString());
          responder.Reply(MakeResponse(request, RC::kSystemError,
                                       "saving the config file failed: " + saved.message()));
          return;
        }
        Status st = ApplyLive(update);
        if (!st.ok()) {
          responder.Reply(MakeResponse(request, RC::kSystemError, st.message()));
          return;
        }
        std::string remark;
        if (!update.restart_only.empty()) {
          remark = "saved; takes effect after restart: " + JoinKeys(update.restart_only, ", ");
          TERN_LOG_INFO("UPDATE_BROKER_CONFIG saved to the config file; takes effect after "
                        "restart: {}",
                        JoinKeys(update.restart_only, ", "));
        }
        responder.Reply(MakeResponse(request, RC::kSuccess, std::move(remark)));
      });
}

}  // namespace tern::processor
