LIBS += nameserver
nameserver_SRCS := nameserver/namesrv_config.cc nameserver/route_info_manager.cc \
                   nameserver/kv_config_manager.cc nameserver/handler_table.cc \
                   nameserver/broker_handlers.cc nameserver/route_handlers.cc \
                   nameserver/kv_handlers.cc nameserver/config_handlers.cc \
                   nameserver/nameserver.cc

# Unit tests: route table, KV file, config, handlers on RemotingCommand values.
TESTS += nameserver
nameserver_TEST_SRCS := test/nameserver/route_info_manager_test.cc \
                        test/nameserver/kv_config_manager_test.cc \
                        test/nameserver/handlers_test.cc \
                        test/nameserver/nameserver_test.cc
nameserver_TEST_LIBS := nameserver remoting net protocol base

# Against the real `ternmq namesrv` binary over TCP.
TESTS += namesrv_integration
namesrv_integration_TEST_SRCS := test/nameserver/namesrv_integration_test.cc
namesrv_integration_TEST_LIBS := remoting net protocol base
