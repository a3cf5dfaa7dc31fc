protocol_SRCS += src/protocol/message_codec.cc src/protocol/message_properties.cc \
                 src/protocol/message_id.cc src/protocol/message_batch.cc \
                 src/protocol/message_compression.cc
TESTS += message
message_TEST_SRCS := test/src/protocol/message_codec_test.cc test/src/protocol/message_id_test.cc \
                     test/src/protocol/message_properties_test.cc
message_TEST_LIBS := protocol base
