# The `ternmq` binary.
LIBS += toolslib
toolslib_SRCS := tools/cli.cc tools/server_runtime.cc
ternmq_SRCS := tools/main.cc tools/namesrv_command.cc tools/dev_command.cc \
               tools/broker_command.cc tools/admin_command.cc tools/bench_command.cc
ternmq_LIBS := toolslib admin bench ternmqclient brokerwiring transaction delay brokercore broker nameserver store meta remoting net protocol base

TESTS += tools
tools_TEST_SRCS := test/tools/cli_test.cc test/tools/ternmq_binary_test.cc test/tools/examples_test.cc
tools_TEST_LIBS := toolslib remoting net protocol base
