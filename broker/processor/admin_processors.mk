# (Lives in broker/processor/ so that it is included after broker/message_path.mk,
# whose `brokercore_SRCS :=` would otherwise reset these additions.)
# The remaining administration processors (runtime info and config, topic and
# consume stats, reset offset, calls relayed to consumers, small admin
# requests) and the broker's message counters, appended to brokercore
# (broker/message_path.mk).
brokercore_SRCS += broker/processor/broker_stats.cc \
                   broker/processor/broker_runtime_processor.cc \
                   broker/processor/consume_stats_processor.cc \
                   broker/processor/broker_admin_processor.cc \
                   broker/processor/reset_offset_processor.cc \
                   broker/processor/consumer_call_processor.cc

TESTS += broker_admin
broker_admin_TEST_SRCS := $(wildcard test/broker/processor/broker_admin_*_test.cc)
broker_admin_TEST_LIBS := brokercore broker store meta remoting net protocol base
