# Typed request/response headers and JSON bodies of the broker's client-facing
# requests (heartbeat, connection lists, queue locks, send and pull headers).
# Appended to the protocol library.
protocol_SRCS += src/protocol/header_fields.cc src/protocol/subscription_data.cc \
                 src/protocol/heartbeat_data.cc src/protocol/message_queue.cc \
                 src/protocol/lock_batch_body.cc src/protocol/connection_body.cc \
                 src/protocol/send_headers.cc src/protocol/pull_headers.cc
TESTS += broker_bodies
broker_bodies_TEST_SRCS := test/src/protocol/header_fields_test.cc \
                           test/src/protocol/heartbeat_data_test.cc \
                           test/src/protocol/broker_bodies_test.cc \
                           test/src/protocol/send_headers_test.cc \
                           test/src/protocol/pull_headers_test.cc
broker_bodies_TEST_LIBS := protocol base
