#include "test/src/client/consumer_fixture.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <optional>
#include <thread>

#include "src/protocol/codes.h"
#include "test/util/remoting_fixtures.h"
#include "test/util/temp_dir.h"

namespace tern::testing {
namespace {

// Members die in reverse order: the child is killed before its directory goes.
struct Dev {
  TempDir dir;
  std::string log;
  std::optional<BootedTernmq> booted;
};

Dev& TheDev() {
  static Dev dev;  // destroyed at exit: the ChildProcess destructor SIGKILLs ternmq
  if (!dev.booted) {
    dev.log = dev.dir.path() + "/dev.log";
    BootedTernmq booted = StartDev(dev.dir.path() + "/data", dev.log);
    dev.booted = std::move(booted);
  }
  return dev;
}

}  // namespace

const std::string& DevNamesrv() { return TheDev().booted->addr; }
std::string DevLog() { return ReadFile(TheDev().log); }

std::string UniqueName(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + "_" + std::to_string(++counter) + "_" + std::to_string(getpid());
}

std::unique_ptr<ternmq::Producer> StartTestProducer(const std::string& group) {
  ternmq::ProducerOptions o;
  o.group = group;
  o.name_servers = {DevNamesrv()};
  auto p = ternmq::Producer::Create(o);
  REQUIRE_MESSAGE(p.ok(), p.status().ToString());
  auto st = (*p)->Start();
  REQUIRE_MESSAGE(st.ok(), st.ToString());
  return std::move(p).value();
}

std::vector<ternmq::SendResult> SendMessages(ternmq::Producer& producer, const std::string& topic,
                                             int n, const std::string& body_prefix,
                                             const std::string& tags) {
  std::vector<ternmq::SendResult> out;
  for (int i = 0; i < n; ++i) {
    ternmq::Message m;
    m.topic = topic;
    m.tags = tags;
    m.keys = {"k" + std::to_string(i)};
    m.body = body_prefix + std::to_string(i);
    auto r = producer.Send(m);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    out.push_back(*r);
  }
  return out;
}

ternmq::PushConsumerOptions PushOptions(const std::string& group) {
  ternmq::PushConsumerOptions o;
  o.group = group;
  o.name_servers = {DevNamesrv()};
  o.consume_threads = 4;
  o.rebalance_interval_ms = 2000;
  o.persist_offset_interval_ms = 500;
  o.broker_suspend_max_ms = 2000;
  o.consumer_timeout_when_suspend_ms = 5000;
  return o;
}

void Received::Add(const std::vector<ternmq::MessageView>& messages) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    all_.insert(all_.end(), messages.begin(), messages.end());
  }
  cv_.notify_all();
}

std::set<std::string> Received::Bodies() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::set<std::string> out;
  for (const auto& m : all_) out.insert(m.body);
  return out;
}

size_t Received::Deliveries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return all_.size();
}

std::vector<ternmq::MessageView> Received::All() const {
  std::lock_guard<std::mutex> lock(mu_);
  return all_;
}

bool Received::WaitForBodies(const std::set<std::string>& bodies, int timeout_ms) const {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] {
    std::set<std::string> seen;
    for (const auto& m : all_) seen.insert(m.body);
    for (const auto& b : bodies) {
      if (!seen.count(b)) return false;
    }
    return true;
  });
}

std::set<std::string> BodySet(const std::string& prefix, int from, int to) {
  std::set<std::string> out;
  for (int i = from; i < to; ++i) out.insert(prefix + std::to_string(i));
  return out;
}

}  // namespace tern::testing
