# JSON bodies of the broker's administration requests (consume stats, topic
# stats, reset offset, consumer status, group list, offset tables); fastjson's
# object-keyed map form included. Appended to the protocol library.
protocol_SRCS += src/protocol/admin_bodies.cc
TESTS += admin_bodies
admin_bodies_TEST_SRCS := test/src/protocol/admin_bodies_test.cc
admin_bodies_TEST_LIBS := protocol base
