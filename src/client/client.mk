# The C++ client SDK (include/ternmq/ is its public API): client instance,
# routes, producer, push and pull consumers. See src/client/README.md.
# Public headers are included as "ternmq/x.h" (as installed); the top-level
# Makefile puts include/ on the include path.
LIBS += ternmqclient
ternmqclient_SRCS := src/client/status.cc src/client/client_config.cc \
                     src/client/topic_publish_info.cc src/client/name_server_client.cc \
                     src/client/callback_executor.cc src/client/client_instance.cc \
                     src/client/send_request.cc src/client/producer_impl.cc
ternmqclient_SRCS += src/client/md5.cc src/client/rebalance.cc src/client/pull_api.cc \
                     src/client/consumer_requests.cc src/client/offset_store.cc \
                     src/client/process_queue.cc src/client/push_consumer_impl.cc \
                     src/client/pull_consume.cc src/client/pull_consumer_impl.cc \
                     src/client/transaction_producer_impl.cc
ternmqclient_SRCS += src/client/retry_send.cc
TESTS += client
client_TEST_SRCS := test/src/client/status_test.cc test/src/client/send_request_test.cc \
                    test/src/client/topic_publish_info_test.cc \
                    test/src/client/callback_executor_test.cc \
                    test/src/client/stand_in_broker.cc \
                    test/src/client/producer_test.cc
client_TEST_SRCS += test/src/client/rebalance_test.cc test/src/client/process_queue_test.cc \
                    test/src/client/offset_store_test.cc test/src/client/pull_api_test.cc \
                    test/src/client/consumer_fixture.cc \
                    test/src/client/pull_consumer_test.cc test/src/client/push_consumer_test.cc
client_TEST_SRCS += test/src/client/scheduled_delivery_test.cc \
                    test/broker/integration/broker_process.cc \
                    test/src/client/transaction_producer_test.cc \
                    test/src/client/producer_two_brokers_test.cc
client_TEST_SRCS += test/src/client/retry_dlq_test.cc test/src/client/retry_send_test.cc
client_TEST_LIBS := ternmqclient remoting net protocol base
