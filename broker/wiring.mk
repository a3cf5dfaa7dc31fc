# The broker wiring (broker.cc: construct, Start/Stop in order) and its small
# adapters. Its own library so that the link order stays acyclic:
# brokerwiring -> brokercore (message path) -> broker (client side) -> store, meta, ...
LIBS += brokerwiring
brokerwiring_SRCS := broker/broker.cc broker/broker_adapters.cc broker/broker_options.cc

# Integration tests against the real `ternmq` binary (build it first: `make`).
TESTS += broker_integration
broker_integration_TEST_SRCS := test/broker/integration/broker_process.cc \
                                test/broker/integration/broker_integration_test.cc \
                                test/broker/integration/broker_restart_test.cc \
                                test/broker/integration/broker_config_update_test.cc \
                                test/broker/integration/ali_ons_smoke_test.cc
broker_integration_TEST_LIBS := remoting net protocol base
$(BUILD)/test/broker_integration_test: | $(BUILD)/bin/ternmq

TESTS += broker_wiring
broker_wiring_TEST_SRCS := test/broker/broker_test.cc test/broker/broker_meta_offload_test.cc
broker_wiring_TEST_LIBS := brokerwiring transaction delay brokercore broker store meta remoting net protocol base
