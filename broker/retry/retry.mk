# Consumption retry and dead-letter queues: the send-back rules (pure
# functions) and CONSUMER_SEND_MSG_BACK, appended to brokercore
# (broker/message_path.mk's `brokercore_SRCS :=` sorts before this fragment).
brokercore_SRCS += broker/retry/send_back.cc broker/processor/send_back_processor.cc

TESTS += retry
retry_TEST_SRCS := test/broker/retry/send_back_test.cc \
                   test/broker/retry/send_back_processor_test.cc \
                   test/broker/retry/send_back_broker_test.cc
# brokerwiring (+ transaction, which the wiring links): one test runs an
# in-process Broker over TCP.
retry_TEST_LIBS := brokerwiring transaction delay brokercore broker store meta remoting net protocol base
