# The broker's message path: topic/group managers, long polling, and the
# SEND / PULL / offset / query / topic- and group-admin processors.
LIBS += brokercore
brokercore_SRCS := broker/topic/topic_names.cc broker/topic/topic_config_manager.cc \
                   broker/topic/subscription_group_manager.cc \
                   broker/longpoll/pull_request_hold_service.cc \
                   broker/processor/send_processor.cc broker/processor/pull_processor.cc \
                   broker/processor/offset_processor.cc broker/processor/offset_flush_service.cc \
                   broker/processor/query_processor.cc broker/processor/topic_admin_processor.cc \
                   broker/processor/group_admin_processor.cc

TESTS += broker_core
broker_core_TEST_SRCS := test/broker/topic/topic_config_manager_test.cc \
                         test/broker/topic/subscription_group_manager_test.cc \
                         test/broker/longpoll/pull_request_hold_service_test.cc \
                         test/broker/processor/send_processor_test.cc \
                         test/broker/processor/pull_processor_test.cc \
                         test/broker/processor/offset_processor_test.cc \
                         test/broker/processor/query_processor_test.cc \
                         test/broker/processor/admin_processor_test.cc \
                         test/broker/processor/consumer_subscription_lookup_test.cc
# broker: ConsumerManager, for the SubscriptionLookup adapter test.
broker_core_TEST_LIBS := brokercore broker store meta remoting net protocol base
