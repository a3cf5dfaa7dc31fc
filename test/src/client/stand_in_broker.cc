#include "test/src/client/stand_in_broker.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>

#include "src/protocol/codes.h"
#include "src/protocol/message_batch.h"
#include "src/protocol/message_codec.h"
#include "src/protocol/message_id.h"
#include "src/protocol/register_broker_body.h"
#include "test/util/temp_dir.h"

namespace tern::testing {
namespace {

namespace RC = protocol::RequestCode;
namespace Code = protocol::ResponseCode;
using remoting::RemotingCommand;

}  // namespace

NamesrvProcess::NamesrvProcess(const std::string& dir) {
  std::string log = dir + "/namesrv.log";
  auto child = ChildProcess::Start(
      {TernmqBinary(), "namesrv", "-p", "0", "--data-dir", dir + "/namesrv-data"}, log);
  REQUIRE_MESSAGE(child.ok(), child.status().ToString());
  auto line = child->WaitForLine("boot success", 10'000);
  if (!line.ok()) FAIL("namesrv did not boot: " << line.status().ToString() << "\n" << ReadFile(log));
  size_t colon = line->rfind(':');
  REQUIRE(colon != std::string::npos);
  addr_ = "127.0.0.1:" + std::to_string(std::stoi(line->substr(colon + 1)));
  child_.emplace(std::move(child).value());
}

StandInBroker::StandInBroker(std::string broker_name, std::string cluster)
    : name_(std::move(broker_name)), cluster_(std::move(cluster)), loop_("stand-in-" + name_),
      ns_loop_("stand-in-ns-" + name_) {}

StandInBroker::~StandInBroker() {
  if (server_) server_->Stop();
  if (ns_client_) ns_client_->Shutdown();
  server_.reset();
  ns_client_.reset();
  loop_.Stop();
  ns_loop_.Stop();
}

void StandInBroker::Start() {
  REQUIRE(loop_.Start().ok());
  REQUIRE(ns_loop_.Start().ok());
  remoting::RpcServerOptions options;
  options.name = "stand-in " + name_;
  options.host = "127.0.0.1";
  server_ = std::make_unique<remoting::RpcServer>(loop_, options);
  auto on_send = [this](const remoting::RequestContext& ctx, RemotingCommand request,
                        remoting::Responder responder) {
    OnSend(ctx, std::move(request), std::move(responder));
  };
  server_->RegisterAsync(RC::kSendMessage, on_send);
  server_->RegisterAsync(RC::kSendMessageV2, on_send);
  server_->RegisterAsync(RC::kSendBatchMessage, on_send);
  server_->RegisterSync(RC::kHeartBeat,
                        [this](const remoting::RequestContext&,
                               const RemotingCommand& request) -> Result<RemotingCommand> {
                          auto hb = protocol::HeartbeatData::Decode(request.body);
                          if (!hb.ok()) return hb.status();
                          {
                            std::lock_guard<std::mutex> lock(mu_);
                            heartbeats_.push_back(*hb);
                          }
                          cv_.notify_all();
                          return RemotingCommand::ResponseTo(request, Code::kSuccess);
                        });
  REQUIRE(server_->Start().ok());
  port_ = server_->port();
  ns_client_ = std::make_unique<remoting::RpcClient>(ns_loop_, remoting::RpcClientOptions{});
}

std::string StandInBroker::addr() const { return "127.0.0.1:" + std::to_string(port_); }

void StandInBroker::AddTopic(const std::string& topic, int32_t queues, int32_t perm) {
  std::lock_guard<std::mutex> lock(mu_);
  topics_[topic] = {queues, perm};
}

std::map<std::string, int32_t> StandInBroker::topics() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, int32_t> out;
  for (const auto& [t, qp] : topics_) out[t] = qp.first;
  return out;
}

namespace {

// Every registration carries a new data version: the nameserver only takes a
// master's topic table when its version changed.
RemotingCommand RegisterRequest(const std::string& name, const std::string& cluster,
                                const std::string& addr,
                                const std::map<std::string, std::pair<int32_t, int32_t>>& topics) {
  protocol::RegisterBrokerBody body;
  static std::atomic<int64_t> counter{0};
  body.topic_config_serialize_wrapper.data_version = {1700000000000, ++counter, std::nullopt};
  for (const auto& [t, qp] : topics) {
    protocol::TopicConfig c;
    c.topic_name = t;
    c.read_queue_nums = qp.first;
    c.write_queue_nums = qp.first;
    c.perm = qp.second;
    body.topic_config_serialize_wrapper.topic_config_table[t] = c;
  }
  RemotingCommand req = RemotingCommand::Request(RC::kRegisterBroker);
  req.SetField("brokerName", name);
  req.SetField("brokerAddr", addr);
  req.SetField("clusterName", cluster);
  req.SetField("haServerAddr", addr);
  req.SetField("brokerId", int64_t{0});
  req.body = body.Encode();
  return req;
}

}  // namespace

void StandInBroker::Register(const std::string& ns_addr) {
  std::map<std::string, std::pair<int32_t, int32_t>> topics;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ns_addr_ = ns_addr;
    topics = topics_;
  }
  auto r = ns_client_->InvokeSync(ns_addr, RegisterRequest(name_, cluster_, addr(), topics), 5000);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  REQUIRE(r->code == Code::kSuccess);
}

void StandInBroker::RegisterNow() {
  std::map<std::string, std::pair<int32_t, int32_t>> topics;
  std::string ns;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ns = ns_addr_;
    topics = topics_;
  }
  if (ns.empty()) return;
  // Like a broker after auto-creating a topic: registered before the send is answered.
  ns_client_->InvokeSync(ns, RegisterRequest(name_, cluster_, addr(), topics), 5000)
      .status()
      .IgnoreError();
}

void StandInBroker::SetMode(Mode mode, int32_t fail_code) {
  std::lock_guard<std::mutex> lock(mu_);
  mode_ = mode;
  fail_code_ = fail_code;
}

void StandInBroker::StopServing() { server_->Stop(); }

void StandInBroker::OnSend(const remoting::RequestContext&, RemotingCommand request,
                           remoting::Responder responder) {
  auto header = protocol::SendMessageRequestHeader::Parse(request.code, request.ext_fields);
  if (!header.ok()) {
    // Not recorded: a test waiting for this send times out and fails.
    responder.Reply(RemotingCommand::ResponseTo(request, Code::kSystemError,
                                                header.status().message()));
    return;
  }
  Mode mode;
  int32_t fail_code;
  {
    std::lock_guard<std::mutex> lock(mu_);
    sends_.push_back({request.code, request.IsOneway(), *header, request.body});
    mode = mode_;
    fail_code = fail_code_;
  }
  cv_.notify_all();
  switch (mode) {
    case Mode::kSilent:
      return;
    case Mode::kFail:
      responder.Reply(RemotingCommand::ResponseTo(request, fail_code, "stand-in told to fail"));
      return;
    case Mode::kStore:
      responder.Reply(Store(request, *header));
      return;
  }
}

RemotingCommand StandInBroker::Store(const RemotingCommand& request,
                                     const protocol::SendMessageRequestHeader& h) {
  bool created = false;
  std::unique_lock<std::mutex> lock(mu_);
  auto topic = topics_.find(h.topic);
  if (topic == topics_.end()) {
    auto tmpl = topics_.find(h.default_topic);
    if (tmpl == topics_.end() || (tmpl->second.second & 1) == 0) {
      return RemotingCommand::ResponseTo(request, Code::kTopicNotExist,
                                         "topic[" + h.topic + "] not exist, apply first please!");
    }
    int32_t queues = std::min(h.default_topic_queue_nums, tmpl->second.first);
    topic = topics_.emplace(h.topic, std::make_pair(queues, 6)).first;
    created = true;
  }
  int32_t queue_id = h.queue_id < 0 ? 0 : h.queue_id;
  if (queue_id >= topic->second.first) {
    return RemotingCommand::ResponseTo(request, Code::kSystemError, "request queueId is illegal");
  }
  size_t count = 1;
  if (h.batch) {
    auto entries = protocol::DecodeBatchBody(request.body);
    if (!entries.ok())
      return RemotingCommand::ResponseTo(request, Code::kMessageIllegal, "bad batch body");
    count = entries->size();
  }
  auto host = protocol::HostAddress::Parse(addr());
  int64_t& next = next_offset_[{h.topic, queue_id}];
  int64_t first = next;
  std::string ids;
  for (size_t i = 0; i < count; ++i) {
    std::string id = protocol::EncodeOffsetMessageId(*host, PhysicalOffset(next_physical_));
    next_physical_ += 100;
    if (!ids.empty()) ids += ',';
    ids += id;
  }
  next += static_cast<int64_t>(count);
  answered_.push_back(ids);
  lock.unlock();
  if (created) RegisterNow();

  RemotingCommand response = RemotingCommand::ResponseTo(request, Code::kSuccess);
  protocol::SendMessageResponseHeader rh;
  rh.msg_id = ids;
  rh.queue_id = queue_id;
  rh.queue_offset = first;
  rh.Encode(&response.ext_fields);
  response.SetField("MSG_REGION", "DefaultRegion");
  response.SetField("TRACE_ON", "true");
  return response;
}

bool StandInBroker::WaitForSends(size_t n, int timeout_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                      [&] { return sends_.size() >= n; });
}

bool StandInBroker::WaitForHeartbeats(size_t n, int timeout_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                      [&] { return heartbeats_.size() >= n; });
}

std::vector<ReceivedSend> StandInBroker::sends() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sends_;
}

std::vector<protocol::HeartbeatData> StandInBroker::heartbeats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return heartbeats_;
}

std::vector<std::string> StandInBroker::answered_msg_ids() const {
  std::lock_guard<std::mutex> lock(mu_);
  return answered_;
}

}  // namespace tern::testing
