LIBS += net
net_SRCS := src/net/event_loop.cc src/net/address.cc src/net/tcp_connection.cc src/net/tcp_listener.cc
TESTS += net
net_TEST_SRCS := test/src/net/event_loop_test.cc test/src/net/tcp_test.cc
net_TEST_LIBS := net base
