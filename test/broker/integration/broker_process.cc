#include "test/broker/integration/broker_process.h"

#include <fmt/format.h>
#include <signal.h>

#include <thread>

#include "src/protocol/message_properties.h"

namespace tern::testing {

namespace {

// The decimal number right after the first `marker` in `text`; fails the test if absent.
uint16_t NumberAfter(const std::string& text, const std::string& marker) {
  size_t at = text.find(marker);
  REQUIRE_MESSAGE(at != std::string::npos, "no '" << marker << "' in: " << text);
  size_t begin = at + marker.size();
  size_t end = text.find_first_not_of("0123456789", begin);
  REQUIRE_MESSAGE(end != begin, "no number after '" << marker << "' in: " << text);
  return static_cast<uint16_t>(std::stoi(text.substr(begin, end - begin)));
}

uint16_t PortAfterLastColon(const std::string& text) {
  size_t colon = text.rfind(':');
  REQUIRE(colon != std::string::npos);
  return static_cast<uint16_t>(std::stoi(text.substr(colon + 1)));
}

}  // namespace

ServerProcess StartNamesrv(const TempDir& dir) {
  BootedTernmq booted = testing::StartNamesrv(dir.Sub("namesrv"), dir.Sub("namesrv.log"));
  ServerProcess p;
  p.child = std::move(booted.child);
  p.log_path = booted.log;
  p.addr = booted.addr;
  p.port = PortAfterLastColon(booted.addr);
  return p;
}

ServerProcess StartBroker(const std::string& namesrv_addr, const std::string& data_dir,
                          const std::string& log_path, const std::vector<std::string>& extra,
                          const std::string& broker_name) {
  ServerProcess p;
  p.log_path = log_path;
  std::vector<std::string> argv = {TernmqBinary(),
                                   "broker",
                                   "-p",
                                   "0",
                                   "-n",
                                   namesrv_addr,
                                   "--data-dir",
                                   data_dir,
                                   "--brokerName=" + broker_name,
                                   "--brokerIP1=127.0.0.1",
                                   "--bindAddress=127.0.0.1",
                                   kTestSegmentSize};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto child = ChildProcess::Start(argv, log_path);
  REQUIRE_MESSAGE(child.ok(), child.status().ToString());
  p.child.emplace(std::move(child).value());
  auto line = p.child->WaitForLine("boot success.", 15'000);
  REQUIRE_MESSAGE(line.ok(), line.status().ToString() << "\n" << ReadFile(log_path));
  // "The broker[broker-a, 127.0.0.1:PORT] boot success. serializeType=JSON and name server is ..."
  p.port = NumberAfter(*line, "The broker[" + broker_name + ", 127.0.0.1:");
  CHECK(line->find(fmt::format("{}] boot success. serializeType=JSON and name server is {}",
                               p.port, namesrv_addr)) != std::string::npos);
  p.addr = "127.0.0.1:" + std::to_string(p.port);
  return p;
}

uint16_t FastPortOf(const ServerProcess& broker) {
  return NumberAfter(ReadFile(broker.log_path), "and fast port ");
}

void StopGracefully(ServerProcess& p) {
  REQUIRE(p.child.has_value());
  REQUIRE(p.child->Signal(SIGTERM).ok());
  auto code = p.child->Wait(10'000);
  REQUIRE_MESSAGE(code.ok(), code.status().ToString());
  CHECK_MESSAGE(*code == 0, ReadFile(p.log_path));
  p.child.reset();
}

Cluster::Cluster(const std::vector<std::string>& broker_args) {
  ns = StartNamesrv(dir);
  broker = StartBroker(ns.addr, broker_data(), dir.Sub("broker.log"), broker_args);
}

Cluster::~Cluster() {
  if (broker.child) StopGracefully(broker);
  if (ns.child) StopGracefully(ns);
}

void Cluster::RestartBroker(const std::vector<std::string>& broker_args) {
  if (broker.child) StopGracefully(broker);
  broker = StartBroker(ns.addr, broker_data(), dir.Sub("broker.log"), broker_args);
}

// ---- requests ----

protocol::SendMessageRequestHeader SendHeader(const std::string& topic, int queue_id,
                                              const std::string& properties) {
  protocol::SendMessageRequestHeader h;
  h.producer_group = "PG";
  h.topic = topic;
  h.default_topic = "TBW102";
  h.default_topic_queue_nums = 4;
  h.queue_id = queue_id;
  h.born_timestamp = 1'700'000'000'123;
  if (!properties.empty()) h.properties = properties;
  return h;
}

RemotingCommand SendRequest(const protocol::SendMessageRequestHeader& h, std::string body,
                            int32_t code) {
  RemotingCommand r = RemotingCommand::Request(code);
  if (code == Q::kSendMessage) {
    h.EncodeV1(&r.ext_fields);
  } else {
    h.EncodeV2(&r.ext_fields);
  }
  r.body = std::move(body);
  return r;
}

protocol::PullMessageRequestHeader PullHeader(const std::string& group, const std::string& topic,
                                              int queue_id, int64_t offset,
                                              std::optional<std::string> sub) {
  protocol::PullMessageRequestHeader h;
  h.consumer_group = group;
  h.topic = topic;
  h.queue_id = queue_id;
  h.queue_offset = offset;
  h.max_msg_nums = 32;
  if (sub) {
    h.sys_flag |= protocol::kPullFlagSubscription;
    h.subscription = *sub;
    h.expression_type = "TAG";
  }
  h.suspend_timeout_millis = 15000;
  return h;
}

RemotingCommand PullRequest(const protocol::PullMessageRequestHeader& h) {
  RemotingCommand r = RemotingCommand::Request(Q::kPullMessage);
  h.Encode(&r.ext_fields);
  return r;
}

RemotingCommand CreateTopicRequest(const std::string& topic, int queues) {
  RemotingCommand r = RemotingCommand::Request(Q::kUpdateAndCreateTopic);
  r.SetField("topic", topic);
  r.SetField("defaultTopic", "TBW102");
  r.SetField("readQueueNums", int64_t{queues});
  r.SetField("writeQueueNums", int64_t{queues});
  r.SetField("perm", int64_t{6});
  r.SetField("topicFilterType", "SINGLE_TAG");
  return r;
}

RemotingCommand RouteRequest(const std::string& topic) {
  RemotingCommand r = RemotingCommand::Request(Q::kGetRouteinfoByTopic);
  r.SetField("topic", topic);
  return r;
}

std::vector<protocol::MessageRecord> DecodeRecords(const std::string& body) {
  std::vector<protocol::MessageRecord> out;
  std::string_view rest = body;
  while (!rest.empty()) {
    auto rec = protocol::DecodeMessageRecord(rest, /*verify_crc=*/true);
    REQUIRE_MESSAGE(rec.ok(), rec.status().ToString());
    out.push_back(*rec);
    rest.remove_prefix(static_cast<size_t>(rec->total_size));
  }
  return out;
}

int64_t FieldInt(const RemotingCommand& r, const std::string& name) {
  auto f = r.Field(name);
  REQUIRE_MESSAGE(f.has_value(), "missing field " << name);
  return std::stoll(std::string(*f));
}

std::optional<protocol::TopicRouteData> WaitForRoute(Client& client, const std::string& ns_addr,
                                                     const std::string& topic,
                                                     int64_t deadline_ms) {
  auto start = std::chrono::steady_clock::now();
  while (true) {
    RemotingCommand r = client.Call(ns_addr, RouteRequest(topic));
    if (r.code == RC::kSuccess) {
      auto route = protocol::TopicRouteData::Decode(r.body);
      REQUIRE_MESSAGE(route.ok(), route.status().ToString());
      return *route;
    }
    if (ElapsedMs(start) > deadline_ms) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling with a deadline
  }
}

}  // namespace tern::testing
