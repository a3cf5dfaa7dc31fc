// Producer: sends messages to TernMQ (or Apache RocketMQ) brokers.
//
//   ternmq::ProducerOptions options;
//   options.group = "order-service";
//   options.name_servers = {"127.0.0.1:9876"};
//   auto producer = ternmq::Producer::Create(options);
//   if (!producer.ok()) { ... producer.status().ToString() ... }
//   if (auto st = (*producer)->Start(); !st.ok()) { ... }
//   ternmq::Message m;
//   m.topic = "orders";
//   m.body = "hello";
//   ternmq::Result<ternmq::SendResult> r = (*producer)->Send(m);
//
// Routing: the producer asks the nameservers for the topic's route and caches
// it (refreshed every route_refresh_interval_ms and after a failed send). A
// topic without a route is sent through the route of `create_topic_key`
// (TBW102), so that brokers with auto-creation create it. Queues are used
// round-robin; a retry goes to another broker.
//
// Threading: every method may be called from any thread, concurrently, except
// Start() and Shutdown(), which are called once each and not concurrently with
// each other. Send, SendBatch, the selector and sharding-key sends block the
// calling thread only (never longer than their timeout, plus the time to
// connect). SendAsync never waits for the network; SendOneway waits only for
// the first route lookup of a topic, never for the broker. SendCallbacks
// run on the producer's callback thread (ProducerOptions::callback_threads),
// never inside SendAsync itself; a slow callback delays later callbacks but
// not network I/O. A MessageQueueSelector runs on the thread calling Send.
// Shutdown() must not be called from a SendCallback (it aborts: it would
// wait for itself). Before Start() and after Shutdown() there is no callback
// thread: SendAsync then runs the callback inline with kIllegalState.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ternmq/message.h"
#include "ternmq/message_queue.h"
#include "ternmq/status.h"

namespace ternmq {

// Defaults follow the Java client (DefaultMQProducer / ClientConfig).
struct ProducerOptions {
  // Producer group: letters, digits, '%', '|', '-', '_'; at most 255 chars. Required.
  std::string group;
  // Nameserver addresses "host:port". Required. When one fails the next is used.
  std::vector<std::string> name_servers;
  // Part of the client id `ip@instance_name`. Empty: "<pid>#<nanoseconds>",
  // unique per producer. Producers of one process that set the same
  // instance_name share one connection set (and must use the same name_servers).
  std::string instance_name;

  int64_t send_timeout_ms = 3000;        // default per-call timeout, > 0
  int32_t retry_times_when_send_failed = 2;        // sync: 3 attempts in all
  int32_t retry_times_when_send_async_failed = 2;  // async: 3 attempts in all
  // Bodies longer than this are zlib-compressed (not batches).
  int32_t compress_over_bytes = 4096;
  int32_t compress_level = 5;                // zlib level 0..9
  int32_t max_message_bytes = 4 * 1024 * 1024;  // largest body (batch: whole batch)
  // Auto-creation of unknown topics through the template topic's route.
  std::string create_topic_key = "TBW102";
  int32_t default_topic_queue_nums = 4;

  int64_t route_refresh_interval_ms = 30'000;  // pollNameServerInterval
  int64_t heartbeat_interval_ms = 30'000;      // heartbeatBrokerInterval
  // After a network failure a broker is avoided by new sends for this long
  // (unless every broker of the topic is avoided). 0 disables.
  int64_t broker_backoff_ms = 30'000;
  // Threads running SendCallbacks, >= 1.
  int32_t callback_threads = 1;
};

enum class SendStatus : uint8_t {
  kSendOk,             // stored (and flushed/replicated if the broker is configured so)
  kFlushDiskTimeout,   // stored, the sync flush did not finish in time
  kFlushSlaveTimeout,  // stored, the slave did not confirm in time
  kSlaveNotAvailable,  // stored, no slave to replicate to
};
std::string_view SendStatusName(SendStatus status);  // "SEND_OK", ...

struct SendResult {
  SendStatus status = SendStatus::kSendOk;
  // The client message id (UNIQ_KEY); for a batch the ids of its messages, joined by ','.
  std::string msg_id;
  // The broker's id (store host + commit-log offset); for a batch a ','-joined list.
  std::string offset_msg_id;
  MessageQueue queue;        // where it was stored
  int64_t queue_offset = 0;  // its offset in that queue (batch: the first message's)
  std::string transaction_id;  // when the broker returns one (RocketMQ 5)
  std::string region_id;       // broker region, "DefaultRegion" unless configured
  bool trace_on = true;
};

struct SendOptions {
  // Total time for the call, retries included. 0: ProducerOptions::send_timeout_ms.
  int64_t timeout_ms = 0;
};

// Called exactly once with the outcome of a SendAsync, on a callback thread.
using SendCallback = std::function<void(Result<SendResult> result)>;

// Picks the queue for a message: returns an index into `queues` (the topic's
// writable queues in RocketMQ order). An index out of range fails the send
// with kInvalidArgument.
using MessageQueueSelector =
    std::function<size_t(const std::vector<MessageQueue>& queues, const Message& message)>;

// The answer to Producer::CancelScheduled.
enum class CancelResult {
  kCancelled,         // removed before it was due: it will never be delivered (a repeated
                      // cancel of the same message answers kCancelled again)
  kAlreadyDelivered,  // too late: it was delivered to its topic already
  kNotFound,          // no broker of the topic knows a scheduled message with this key
};

// "Cancelled", "AlreadyDelivered", "NotFound".
std::string_view CancelResultName(CancelResult result);

class Producer {
 public:
  // Checks the options (kInvalidArgument names the offending field). Does not
  // connect; call Start().
  static Result<std::unique_ptr<Producer>> Create(const ProducerOptions& options);

  // Shuts down if still started.
  virtual ~Producer() = default;

  // Starts the client (event loop, timers). Fails with kIllegalState when called twice.
  virtual Status Start() = 0;
  // Waits for in-flight async sends to finish (each ends by its timeout at the
  // latest) and for their callbacks, then closes connections. Idempotent.
  virtual void Shutdown() = 0;

  // Sends and waits for the broker's answer. Retries on another broker after
  // a network error or a retriable broker answer (SYSTEM_ERROR, SYSTEM_BUSY,
  // SERVICE_NOT_AVAILABLE, TOPIC_NOT_EXIST, NO_PERMISSION, ...), within the timeout.
  virtual Result<SendResult> Send(const Message& message, const SendOptions& options = {}) = 0;

  // Returns at once; `callback` gets the outcome. Retries like Send (up to
  // retry_times_when_send_async_failed). Invalid messages are reported through
  // the callback too.
  virtual void SendAsync(const Message& message, SendCallback callback,
                         const SendOptions& options = {}) = 0;

  // Fire and forget: no answer, no retry. The Status covers only what is known
  // before sending (bad message, not started, no route, no broker address).
  virtual Status SendOneway(const Message& message) = 0;

  // Sends 1..n messages of one topic as one request, stored together in one
  // queue with consecutive offsets. No delay levels; never compressed; the
  // encoded batch must fit max_message_bytes. Retries like Send.
  virtual Result<SendResult> SendBatch(const std::vector<Message>& messages,
                                       const SendOptions& options = {}) = 0;

  // Sends to the queue `selector` picks; no retry on another queue (ordering).
  virtual Result<SendResult> Send(const Message& message, const MessageQueueSelector& selector,
                                  const SendOptions& options = {}) = 0;

  // Ordered messages: every message with the same sharding key goes to the
  // same queue while the topic's queues do not change. The queue is
  // |javaHash(key) % n| over the writable queues, as Java's
  // SelectMessageQueueByHash picks it. The key is also stored as property
  // "__SHARDINGKEY". No retry on another queue.
  virtual Result<SendResult> SendOrderly(const Message& message, std::string_view sharding_key,
                                         const SendOptions& options = {}) = 0;

  // The writable queues of `topic` in RocketMQ order (fetching the route if needed).
  virtual Result<std::vector<MessageQueue>> FetchPublishQueues(const std::string& topic) = 0;

  // Cancels a scheduled message (sent with Message::delay_level or
  // Message::delivery_time_ms) before it is due. `msg_id` is SendResult::msg_id
  // of its send (the UNIQ_KEY). Asks the master of every broker in the topic's
  // route (CANCEL_SCHEDULED_MESSAGE, request 5001) until one answers
  // CANCELLED or ALREADY_DELIVERED; kNotFound when none knows it. Errors:
  // kInvalidArgument (bad topic, empty msg_id), kIllegalState (not started),
  // kNotFound (no route), and kBrokerError / kNetworkError / kTimeout (the
  // last failure) when a broker failed and none answered CANCELLED or
  // ALREADY_DELIVERED (it might hold the message). Blocks the caller; any
  // thread. The broker needs messageIndexEnable=true (its default); it finds
  // the message through its key index and, for a message sent just before,
  // waits until the index has caught up, so a cancel right after Send works.
  //
  //   auto sent = producer->Send(close_if_unpaid);             // due in 30 minutes
  //   ... order paid ...
  //   auto r = producer->CancelScheduled("orders", sent->msg_id);
  //   if (r.ok() && *r == ternmq::CancelResult::kAlreadyDelivered) { /* too late */ }
  virtual Result<CancelResult> CancelScheduled(const std::string& topic,
                                               const std::string& msg_id,
                                               const SendOptions& options = {}) = 0;

  // "ip@instance_name".
  virtual const std::string& client_id() const = 0;
};

}  // namespace ternmq
