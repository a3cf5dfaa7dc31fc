#include "src/client/offset_store.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "src/client/consumer_requests.h"
#include "src/protocol/json_writer.h"

namespace tern::client {
namespace {

using ternmq::StatusCode;
constexpr int64_t kFileVersion = 1;

}  // namespace

void OffsetStore::Update(const ternmq::MessageQueue& queue, int64_t offset, bool increase_only) {
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = table_.emplace(queue, offset);
  if (!inserted && (!increase_only || offset > it->second)) it->second = offset;
}

int64_t OffsetStore::ReadMemory(const ternmq::MessageQueue& queue) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = table_.find(queue);
  return it == table_.end() ? -1 : it->second;
}

void OffsetStore::Remove(const ternmq::MessageQueue& queue) {
  std::lock_guard<std::mutex> lock(mu_);
  table_.erase(queue);
}

std::map<ternmq::MessageQueue, int64_t> OffsetStore::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return table_;
}

// ---- remote ------------------------------------------------------------------------------

RemoteOffsetStore::RemoteOffsetStore(remoting::RpcClient& rpc, MasterLookup master,
                                     std::string group, int64_t timeout_ms)
    : rpc_(rpc), master_(std::move(master)), group_(std::move(group)), timeout_ms_(timeout_ms) {}

ternmq::Result<int64_t> RemoteOffsetStore::ReadStored(const ternmq::MessageQueue& queue) {
  auto addr = master_(queue.broker_name);
  if (!addr) {
    return ternmq::Status(StatusCode::kNetworkError,
                          "no master address known for broker " + queue.broker_name);
  }
  auto offset = QueryConsumerOffset({rpc_, *addr, timeout_ms_}, group_, queue);
  if (offset.ok()) Update(queue, *offset, false);
  return offset;
}

ternmq::Status RemoteOffsetStore::Send(const ternmq::MessageQueue& queue, int64_t offset) {
  auto addr = master_(queue.broker_name);
  if (!addr) {
    return ternmq::Status(StatusCode::kNetworkError,
                          "no master address known for broker " + queue.broker_name);
  }
  return UpdateConsumerOffset({rpc_, *addr, timeout_ms_}, group_, queue, offset);
}

ternmq::Status RemoteOffsetStore::PersistAll(const std::set<ternmq::MessageQueue>& queues) {
  std::map<ternmq::MessageQueue, int64_t> to_send;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = table_.begin(); it != table_.end();) {
      if (queues.count(it->first)) {
        to_send.insert(*it);
        ++it;
      } else {
        it = table_.erase(it);
      }
    }
  }
  ternmq::Status first;
  for (const auto& [queue, offset] : to_send) {
    ternmq::Status st = Send(queue, offset);
    if (!st.ok() && first.ok()) first = st;
  }
  return first;
}

ternmq::Status RemoteOffsetStore::Persist(const ternmq::MessageQueue& queue) {
  int64_t offset = ReadMemory(queue);
  if (offset < 0) return ternmq::Status::Ok();
  return Send(queue, offset);
}

// ---- local file --------------------------------------------------------------------------

std::string LocalFileOffsetStore::DefaultPath(const std::string& dir,
                                              const std::string& client_id,
                                              const std::string& group) {
  std::string root = dir;
  if (root.empty()) {
    const char* home = std::getenv("HOME");
    root = std::string(home != nullptr ? home : ".") + "/.rocketmq_offsets";
  }
  return root + "/" + client_id + "/" + group + "/offsets.json";
}

ternmq::Status LocalFileOffsetStore::Load() {
  std::ifstream in(path_);
  if (!in) return ternmq::Status::Ok();  // first run
  std::stringstream text;
  text << in.rdbuf();
  auto corrupt = [&](const std::string& why) {
    return ternmq::Status(StatusCode::kInternal, "offset file " + path_ + ": " + why);
  };
  nlohmann::json doc = nlohmann::json::parse(text.str(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return corrupt("not a JSON object");
  auto table = doc.find("offsetTable");
  if (table == doc.end() || !table->is_array()) return corrupt("no offsetTable array");
  std::map<ternmq::MessageQueue, int64_t> loaded;
  for (const auto& e : *table) {
    if (!e.is_object() || !e.contains("topic") || !e.contains("brokerName") ||
        !e.contains("queueId") || !e.contains("offset") || !e["topic"].is_string() ||
        !e["brokerName"].is_string() || !e["queueId"].is_number_integer() ||
        !e["offset"].is_number_integer()) {
      return corrupt("bad offsetTable entry " + e.dump());
    }
    loaded[{e["topic"].get<std::string>(), e["brokerName"].get<std::string>(),
            e["queueId"].get<int32_t>()}] = e["offset"].get<int64_t>();
  }
  std::lock_guard<std::mutex> lock(mu_);
  stored_ = loaded;
  for (const auto& [q, offset] : loaded) table_.emplace(q, offset);
  return ternmq::Status::Ok();
}

ternmq::Result<int64_t> LocalFileOffsetStore::ReadStored(const ternmq::MessageQueue& queue) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = stored_.find(queue);
  if (it == stored_.end()) {
    return ternmq::Status(StatusCode::kNotFound, "no local offset for " + queue.ToString());
  }
  table_[queue] = it->second;
  return it->second;
}

ternmq::Status LocalFileOffsetStore::WriteFile() {
  std::lock_guard<std::mutex> file_lock(file_mu_);
  std::map<ternmq::MessageQueue, int64_t> table;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Queues once stored and not in memory now keep their stored offset.
    table = stored_;
    for (const auto& [q, offset] : table_) table[q] = offset;
    stored_ = table;
  }
  protocol::JsonWriter w;
  w.BeginObject().Key("offsetTable").BeginArray();
  for (const auto& [q, offset] : table) {
    w.BeginObject()
        .Key("brokerName").String(q.broker_name)
        .Key("offset").Int(offset)
        .Key("queueId").Int(q.queue_id)
        .Key("topic").String(q.topic)
        .EndObject();
  }
  w.EndArray().Key("version").Int(kFileVersion).EndObject();
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
  if (ec) {
    return ternmq::Status(StatusCode::kInternal, "cannot create the directory of " + path_ +
                                                     ": " + ec.message());
  }
  const std::string tmp = path_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << w.str();
    out.flush();
    if (!out) return ternmq::Status(StatusCode::kInternal, "cannot write " + tmp);
  }
  std::filesystem::rename(tmp, path_, ec);
  if (ec) {
    return ternmq::Status(StatusCode::kInternal, "cannot rename " + tmp + ": " + ec.message());
  }
  return ternmq::Status::Ok();
}

ternmq::Status LocalFileOffsetStore::PersistAll(const std::set<ternmq::MessageQueue>& queues) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = table_.begin(); it != table_.end();) {
      it = queues.count(it->first) ? std::next(it) : table_.erase(it);
    }
  }
  return WriteFile();
}

ternmq::Status LocalFileOffsetStore::Persist(const ternmq::MessageQueue&) { return WriteFile(); }

}  // namespace tern::client
