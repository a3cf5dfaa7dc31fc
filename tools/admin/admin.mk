# `ternmq admin` / `mqadmin`: the operator command line (RocketMQ mqadmin's
# command names and flags). Framework, client, table, then one file per verb.
LIBS += admin
admin_SRCS := tools/admin/admin_main.cc tools/admin/command.cc tools/admin/admin_client.cc \
              tools/admin/table.cc tools/admin/registry.cc \
              tools/admin/topic_route.cc tools/admin/topic_list.cc \
              tools/admin/topic_cluster_list.cc tools/admin/cluster_list.cc \
              tools/admin/update_kv_config.cc tools/admin/delete_kv_config.cc \
              tools/admin/update_order_conf.cc tools/admin/get_namesrv_config.cc \
              tools/admin/update_namesrv_config.cc tools/admin/write_perm.cc \
              tools/admin/update_topic.cc tools/admin/delete_topic.cc \
              tools/admin/topic_status.cc tools/admin/broker_status.cc \
              tools/admin/get_broker_config.cc tools/admin/update_broker_config.cc \
              tools/admin/update_sub_group.cc tools/admin/delete_sub_group.cc \
              tools/admin/cancel_scheduled_message.cc tools/admin/consumer_progress.cc \
              tools/admin/connection.cc tools/admin/query_msg.cc \
              tools/admin/reset_offset_by_time.cc
admin_SRCS += tools/admin/message_print.cc tools/admin/queue_pull.cc \
              tools/admin/query_msg_by_offset.cc tools/admin/print_msg.cc \
              tools/admin/send_message.cc tools/admin/consume_message.cc
# Transactions (broker/transaction/README.md).
admin_SRCS += tools/admin/transaction_pending.cc tools/admin/transaction_resume.cc
# Dead letters (broker/retry/README.md).
admin_SRCS += tools/admin/dlq.cc

# Unit tests (table, options, framework) and tests against the real binary.
TESTS += admin
admin_TEST_SRCS := test/tools/admin/table_test.cc test/tools/admin/framework_test.cc \
                   test/tools/admin/admin_binary_test.cc \
                   test/tools/admin/cancel_scheduled_message_test.cc \
                   test/tools/admin/consumer_progress_test.cc \
                   test/tools/admin/connection_test.cc test/tools/admin/query_msg_test.cc \
                   test/tools/admin/reset_offset_by_time_test.cc
admin_TEST_SRCS += test/tools/admin/trans_pending_test.cc
admin_TEST_SRCS += test/tools/admin/dlq_test.cc
admin_TEST_SRCS += test/tools/admin/broker_commands_test.cc
admin_TEST_SRCS += test/tools/admin/message_read_test.cc test/tools/admin/send_message_test.cc \
                   test/tools/admin/consumer_progress_groups_test.cc \
                   test/tools/admin/topic_list_test.cc
admin_TEST_LIBS := admin toolslib ternmqclient remoting net protocol base
