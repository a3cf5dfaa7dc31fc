# JSON bodies of the nameserver protocol (route data, topic configs, register
# body, lists) and the lenient JSON reader. Appended to the protocol library.
protocol_SRCS += src/protocol/json_writer.cc src/protocol/lenient_json.cc \
                 src/protocol/data_version.cc src/protocol/topic_config.cc \
                 src/protocol/register_broker_body.cc src/protocol/route_data.cc \
                 src/protocol/topic_list.cc src/protocol/subscription_group_config.cc
TESTS += protocol_bodies
protocol_bodies_TEST_SRCS := test/src/protocol/lenient_json_test.cc \
                             test/src/protocol/route_data_test.cc \
                             test/src/protocol/topic_config_test.cc \
                             test/src/protocol/register_broker_body_test.cc \
                             test/src/protocol/subscription_group_config_test.cc
protocol_bodies_TEST_LIBS := protocol base
