LIBS += base
base_SRCS := src/base/status.cc src/base/logging.cc src/base/clock.cc src/base/crc32.cc \
             src/base/properties.cc
TESTS += base
base_TEST_SRCS := test/src/base/status_test.cc test/src/base/properties_test.cc \
                  test/src/base/byte_coding_test.cc test/src/base/crc32_test.cc
base_TEST_LIBS := base
