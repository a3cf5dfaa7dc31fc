LIBS += remoting
remoting_SRCS := src/remoting/remoting_command.cc src/remoting/command_codec.cc src/remoting/json_header_scan.cc \
                 src/remoting/frame_decoder.cc src/remoting/pending_requests.cc \
                 src/remoting/request_tracker.cc src/remoting/dispatch.cc \
                 src/remoting/rpc_server.cc src/remoting/rpc_client.cc
TESTS += remoting
remoting_TEST_SRCS := test/src/remoting/command_codec_test.cc test/src/remoting/frame_decoder_test.cc \
                      test/src/remoting/pending_requests_test.cc test/src/remoting/rpc_server_test.cc \
                      test/src/remoting/rpc_client_test.cc test/src/remoting/body_slices_test.cc \
                      test/src/remoting/json_header_scan_test.cc
remoting_TEST_LIBS := remoting net protocol base
