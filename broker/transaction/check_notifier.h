// CheckNotifier: how the checker reaches a producer of a group with
// CHECK_TRANSACTION_STATE. The real one, ProducerCheckNotifier, picks a live
// channel of the group from ProducerManager (rotating among the group's
// connections, quirks Q29) and sends the oneway request on it.
//
// Any thread.
#pragma once

#include <string>
#include <vector>

#include "broker/client/producer_manager.h"
#include "src/remoting/remoting_command.h"
#include "src/remoting/rpc_server.h"

namespace tern::transaction {

class CheckNotifier {
 public:
  virtual ~CheckNotifier() = default;
  // Sends `request` to one live producer of `group`. False when the group has
  // no producer online (nothing was sent).
  virtual bool SendCheck(const std::string& group, remoting::RemotingCommand request) = 0;
};

class ProducerCheckNotifier final : public CheckNotifier {
 public:
  // The producer may have sent its heartbeat on any of `servers` (main and
  // fast port); connection ids are unique in the process, so the request is
  // handed to each and only the one holding the connection sends it. Every
  // reference must outlive the notifier.
  ProducerCheckNotifier(broker::ProducerManager& producers,
                        std::vector<remoting::RpcServer*> servers)
      : producers_(producers), servers_(std::move(servers)) {}

  bool SendCheck(const std::string& group, remoting::RemotingCommand request) override;

 private:
  broker::ProducerManager& producers_;
  const std::vector<remoting::RpcServer*> servers_;
};

}  // namespace tern::transaction
