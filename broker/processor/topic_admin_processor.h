// Topic administration (shared/spec/requests.md §B.15-B.17):
//   UPDATE_AND_CREATE_TOPIC (17), DELETE_TOPIC_IN_BROKER (215),
//   GET_ALL_TOPIC_CONFIG (21, TopicConfigSerializeWrapper body).
// Changes go through TopicConfigManager (durable, data version bumped, change
// listener -> immediate re-registration with the nameservers).
//
// Threads: GET_ALL_TOPIC_CONFIG on the loop thread. Creating or deleting a
// topic (an fsynced RocksDB write, consume-queue files deleted) runs on the
// broker-meta worker when Register() is given one (the broker does), and
// answers once durable; otherwise on the loop thread (tests).
#pragma once

#include "broker/meta_worker.h"
#include "broker/store/message_store.h"
#include "broker/topic/topic_config_manager.h"
#include "src/remoting/rpc_server.h"

namespace tern::processor {

class TopicAdminProcessor {
 public:
  // References must outlive the processor.
  TopicAdminProcessor(topic::TopicConfigManager& topics, store::MessageStore& store)
      : topics_(topics), store_(store) {}

  // Registers codes 17, 215 and 21.
  // With `meta_worker`, the changing codes run on it (their RocksDB write is
  // fsynced off the loop) and answer once durable; without, on the loop.
  void Register(remoting::RpcServer& server, broker::MetaWorker* meta_worker = nullptr);

  Result<remoting::RemotingCommand> UpdateAndCreateTopic(const remoting::RemotingCommand& request);
  Result<remoting::RemotingCommand> DeleteTopic(const remoting::RemotingCommand& request);
  Result<remoting::RemotingCommand> GetAllTopicConfig(const remoting::RemotingCommand& request);

 private:
  topic::TopicConfigManager& topics_;
  store::MessageStore& store_;
};

// The 5.x `attributes` header ("+k=v,+k2=v2"; "-k" removes) applied to `attrs`.
Status ApplyTopicAttributes(std::string_view text, std::map<std::string, std::string>* attrs);

}  // namespace tern::processor
