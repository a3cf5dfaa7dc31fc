# Delayed and scheduled delivery: delay levels and timer messages on one time
# wheel, the send interceptor and CANCEL_SCHEDULED_MESSAGE (broker/delay/README.md).
LIBS += delay
delay_SRCS := broker/delay/schedule_interceptor.cc broker/delay/message_rebuild.cc \
              broker/delay/time_wheel.cc broker/delay/schedule_service.cc \
              broker/delay/schedule_recovery.cc broker/delay/cancel_processor.cc

TESTS += delay
delay_TEST_SRCS := test/broker/delay/time_wheel_test.cc \
                   test/broker/delay/schedule_interceptor_test.cc \
                   test/broker/delay/schedule_service_test.cc \
                   test/broker/delay/schedule_crash_test.cc \
                   test/broker/delay/send_and_cancel_test.cc
delay_TEST_LIBS := delay brokercore broker store meta remoting net protocol base
