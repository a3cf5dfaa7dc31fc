#include "src/client/name_server_client.h"

#include <chrono>
#include <random>

#include "src/base/check.h"
#include "src/base/logging.h"
#include "src/client/status_convert.h"
#include "src/protocol/codes.h"

namespace tern::client {
namespace {

namespace RC = protocol::RequestCode;
namespace Code = protocol::ResponseCode;
using remoting::RemotingCommand;

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

RemotingCommand RouteRequest(const std::string& topic) {
  RemotingCommand req = RemotingCommand::Request(RC::kGetRouteinfoByTopic);
  req.SetField("topic", topic);
  return req;
}

}  // namespace

// One async request making its way around the list.
struct NameServerClient::AsyncCall {
  NameServerClient* self;  // outlives the call: the RpcClient answers every request before
                           // the instance owning both goes away
  RemotingCommand request;
  int64_t deadline_ms;
  size_t start;
  size_t tried = 0;
  ternmq::Status last_error;
  Callback callback;
};

NameServerClient::NameServerClient(remoting::RpcClient& rpc, std::vector<std::string> addrs)
    : rpc_(rpc), addrs_(std::move(addrs)) {
  TERN_CHECK(!addrs_.empty()) << "NameServerClient without addresses";
  std::random_device rd;
  current_.store(rd() % addrs_.size());
}

std::string NameServerClient::current() const { return addrs_[current_.load() % addrs_.size()]; }

ternmq::Result<RemotingCommand> NameServerClient::Invoke(const RemotingCommand& request,
                                                         int64_t timeout_ms) {
  const int64_t deadline = SteadyMs() + timeout_ms;
  const size_t start = current_.load();
  ternmq::Status last_error(ternmq::StatusCode::kTimeout, "no time left to ask a nameserver");
  for (size_t i = 0; i < addrs_.size(); ++i) {
    int64_t left = deadline - SteadyMs();
    if (left <= 0) break;
    size_t index = (start + i) % addrs_.size();
    const std::string& addr = addrs_[index];
    auto r = rpc_.InvokeSync(addr, request, left);
    if (r.ok()) {
      current_.store(index);
      return std::move(r).value();
    }
    last_error = FromTern(r.status());
    TERN_LOG_DEBUG("nameserver {} failed: {}", addr, last_error.ToString());
  }
  return ternmq::Status(last_error.code(), "every nameserver failed; last: " + last_error.message());
}

void NameServerClient::InvokeAsync(const RemotingCommand& request, int64_t timeout_ms,
                                   Callback callback) {
  auto call = std::make_shared<AsyncCall>();
  call->self = this;
  call->request = request;
  call->deadline_ms = SteadyMs() + timeout_ms;
  call->start = current_.load();
  call->last_error = ternmq::Status(ternmq::StatusCode::kTimeout, "no time left");
  call->callback = std::move(callback);
  TryNext(std::move(call));
}

void NameServerClient::TryNext(std::shared_ptr<AsyncCall> call) {
  NameServerClient* self = call->self;
  int64_t left = call->deadline_ms - SteadyMs();
  if (call->tried == self->addrs_.size() || left <= 0) {
    const ternmq::Status& st = call->last_error;
    call->callback(ternmq::Status(st.code(), "every nameserver failed; last: " + st.message()));
    return;
  }
  size_t index = (call->start + call->tried) % self->addrs_.size();
  ++call->tried;
  self->rpc_.InvokeAsync(self->addrs_[index], call->request, left,
                         [call, index](Result<RemotingCommand> r) {
                           if (r.ok()) {
                             call->self->current_.store(index);
                             call->callback(std::move(r).value());
                             return;
                           }
                           call->last_error = FromTern(r.status());
                           TryNext(call);
                         });
}

ternmq::Result<protocol::TopicRouteData> NameServerClient::GetRoute(const std::string& topic,
                                                                    int64_t timeout_ms) {
  auto r = Invoke(RouteRequest(topic), timeout_ms);
  if (!r.ok()) return r.status();
  return ParseRouteResponse(topic, *r);
}

void NameServerClient::GetRouteAsync(const std::string& topic, int64_t timeout_ms,
                                     RouteCallback callback) {
  InvokeAsync(RouteRequest(topic), timeout_ms,
              [topic, callback = std::move(callback)](ternmq::Result<RemotingCommand> r) {
                if (!r.ok()) return callback(r.status());
                callback(ParseRouteResponse(topic, *r));
              });
}

ternmq::Result<protocol::TopicRouteData> ParseRouteResponse(const std::string& topic,
                                                            const RemotingCommand& r) {
  if (r.code == Code::kTopicNotExist) {
    return ternmq::Status(ternmq::StatusCode::kNotFound,
                          "no route for topic " + topic + " in the nameserver");
  }
  if (r.code != Code::kSuccess) return BrokerError(r.code, r.remark, "nameserver");
  auto route = protocol::TopicRouteData::Decode(r.body);
  if (!route.ok()) {
    return ternmq::Status(ternmq::StatusCode::kInternal,
                          "bad route body for topic " + topic + ": " + route.status().message());
  }
  return std::move(route).value();
}

}  // namespace tern::client
