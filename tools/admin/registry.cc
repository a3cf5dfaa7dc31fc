// The command table: every admin command, declared as data by its own file.
#include "tools/admin/verbs.h"

namespace tern::tools::admin {

const std::vector<AdminCommand>& AllCommands() {
  static const std::vector<AdminCommand> kCommands = [] {
    std::vector<AdminCommand> c = {
        ClusterListCommand(),        BrokerStatusCommand(),        TopicListCommand(),
        TopicRouteCommand(),         TopicStatusCommand(),         TopicClusterListCommand(),
        UpdateTopicCommand(),        DeleteTopicCommand(),         UpdateOrderConfCommand(),
        UpdateSubGroupCommand(),     DeleteSubGroupCommand(),      GetBrokerConfigCommand(),
        UpdateBrokerConfigCommand(), UpdateKvConfigCommand(),      DeleteKvConfigCommand(),
        GetNamesrvConfigCommand(),   UpdateNamesrvConfigCommand(), WipeWritePermCommand(),
        AddWritePermCommand(),       CancelScheduledMessageCommand(),
        ConsumerProgressCommand(),   ConsumerConnectionCommand(),  ProducerConnectionCommand(),
        QueryMsgByIdCommand(),       QueryMsgByKeyCommand(),       QueryMsgByUniqueKeyCommand(),
        ResetOffsetByTimeCommand(),
        QueryMsgByOffsetCommand(),   PrintMsgCommand(),            SendMessageCommand(),
        ConsumeMessageCommand(),
        QueryTransPendingCommand(),  ResumeCheckHalfMessageCommand(),
        DlqListCommand(),            DlqShowCommand(),             DlqRedriveCommand(),
    };
    return c;
  }();
  return kCommands;
}

const AdminCommand* FindCommand(std::string_view name) {
  for (const auto& c : AllCommands())
    if (c.name == name) return &c;
  return nullptr;
}

}  // namespace tern::tools::admin
