# Transactional messages: half messages, END_TRANSACTION, the checker
# (broker/transaction/README.md). The processor sits in broker/processor but
# is built here.
LIBS += transaction
transaction_SRCS := broker/transaction/half_message.cc broker/transaction/transaction_table.cc \
                    broker/transaction/check_notifier.cc broker/transaction/transaction_service.cc \
                    broker/transaction/pending_list_processor.cc \
                    broker/processor/end_transaction_processor.cc

TESTS += transaction
transaction_TEST_SRCS := test/broker/transaction/half_message_test.cc \
                         test/broker/transaction/transaction_test.cc \
                         test/broker/transaction/transaction_scale_test.cc
transaction_TEST_LIBS := transaction delay brokercore broker store meta remoting net protocol base

# Over TCP against an in-process Broker (needs the wiring library).
TESTS += transaction_broker
transaction_broker_TEST_SRCS := test/broker/transaction/transaction_broker_test.cc \
                                test/broker/integration/broker_process.cc
transaction_broker_TEST_LIBS := brokerwiring transaction delay brokercore broker store meta remoting \
                                net protocol base
# Its kill -9 test runs the real binary.
$(BUILD)/test/transaction_broker_test: | $(BUILD)/bin/ternmq
