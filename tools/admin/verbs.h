// One factory per admin command; each lives in its own file (<verb>.cc).
// registry.cc lists them in `help` order.
#pragma once

#include "tools/admin/command.h"

namespace tern::tools::admin {

// Nameserver commands.
AdminCommand TopicRouteCommand();        // topic_route.cc
AdminCommand TopicListCommand();         // topic_list.cc
AdminCommand TopicClusterListCommand();  // topic_cluster_list.cc
AdminCommand ClusterListCommand();       // cluster_list.cc
AdminCommand UpdateKvConfigCommand();    // update_kv_config.cc
AdminCommand DeleteKvConfigCommand();    // delete_kv_config.cc
AdminCommand UpdateOrderConfCommand();   // update_order_conf.cc
AdminCommand GetNamesrvConfigCommand();  // get_namesrv_config.cc
AdminCommand UpdateNamesrvConfigCommand();  // update_namesrv_config.cc
AdminCommand WipeWritePermCommand();     // write_perm.cc
AdminCommand AddWritePermCommand();      // write_perm.cc

// Broker commands.
AdminCommand UpdateTopicCommand();         // update_topic.cc
AdminCommand DeleteTopicCommand();         // delete_topic.cc
AdminCommand TopicStatusCommand();         // topic_status.cc
AdminCommand BrokerStatusCommand();        // broker_status.cc
AdminCommand GetBrokerConfigCommand();     // get_broker_config.cc
AdminCommand UpdateBrokerConfigCommand();  // update_broker_config.cc
AdminCommand UpdateSubGroupCommand();      // update_sub_group.cc
AdminCommand DeleteSubGroupCommand();      // delete_sub_group.cc
AdminCommand CancelScheduledMessageCommand();  // cancel_scheduled_message.cc
AdminCommand ConsumerProgressCommand();     // consumer_progress.cc
AdminCommand ConsumerConnectionCommand();   // connection.cc
AdminCommand ProducerConnectionCommand();   // connection.cc
AdminCommand QueryMsgByIdCommand();         // query_msg.cc
AdminCommand QueryMsgByKeyCommand();        // query_msg.cc
AdminCommand QueryMsgByUniqueKeyCommand();  // query_msg.cc
AdminCommand ResetOffsetByTimeCommand();    // reset_offset_by_time.cc
AdminCommand QueryMsgByOffsetCommand();     // query_msg_by_offset.cc
AdminCommand PrintMsgCommand();             // print_msg.cc
AdminCommand SendMessageCommand();          // send_message.cc
AdminCommand ConsumeMessageCommand();       // consume_message.cc
AdminCommand QueryTransPendingCommand();       // transaction_pending.cc (TernMQ only)
AdminCommand ResumeCheckHalfMessageCommand();  // transaction_resume.cc
AdminCommand DlqListCommand();     // dlq.cc (TernMQ only)
AdminCommand DlqShowCommand();     // dlq.cc
AdminCommand DlqRedriveCommand();  // dlq.cc

// Shared by deleteTopic and deleteSubGroup: DELETE_TOPIC_IN_BROKER to every
// master of `cluster`, then DELETE_TOPIC_IN_NAMESRV to every nameserver.
// Appends what was done to `done` (one line each).
Status DeleteTopicInCluster(AdminClient& client, const std::string& cluster,
                            const std::string& topic, std::vector<std::string>* done);

// "broker-a:8;broker-b:8" <-> {broker-a: "8", broker-b: "8"} (ORDER_TOPIC_CONFIG values).
std::vector<std::pair<std::string, std::string>> ParseOrderConf(std::string_view conf);
std::string FormatOrderConf(const std::vector<std::pair<std::string, std::string>>& entries);

}  // namespace tern::tools::admin
