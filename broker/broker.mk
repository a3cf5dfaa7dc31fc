# The broker's client-facing half (config, client managers, client request
# processors, nameserver registration). Send/pull processors, long polling
# and the wiring append here as they land.
LIBS += broker
broker_SRCS := broker/broker_config.cc broker/broker_config_file.cc broker/meta_worker.cc \
               broker/client/consumer_ids_notifier.cc broker/client/consumer_group_info.cc \
               broker/client/consumer_manager.cc broker/client/producer_manager.cc \
               broker/client/client_housekeeping.cc broker/client/rebalance_lock_manager.cc \
               broker/processor/client_processor.cc \
               broker/registration/broker_registration.cc

TESTS += broker_unit
broker_unit_TEST_SRCS := test/broker/broker_config_test.cc \
                         test/broker/broker_config_file_test.cc test/broker/meta_worker_test.cc \
                         test/broker/client/consumer_manager_test.cc \
                         test/broker/client/producer_manager_test.cc \
                         test/broker/client/rebalance_lock_manager_test.cc \
                         test/broker/processor/client_processor_test.cc \
                         test/broker/processor/client_handlers_socket_test.cc \
                         test/broker/registration/broker_registration_test.cc
# nameserver: the registration test runs a real NameServer in-process.
broker_unit_TEST_LIBS := broker nameserver store meta remoting net protocol base
