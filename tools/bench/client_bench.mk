# `ternmq bench producer` / `ternmq bench consumer` (tools/bench/producer_bench.h,
# consumer_bench.h). They use the SDK: tools/module.mk links ternmqclient into
# the ternmq binary.
bench_SRCS += tools/bench/bench_support.cc tools/bench/producer_bench.cc \
              tools/bench/consumer_bench.cc

TESTS += bench_support
bench_support_TEST_SRCS := test/tools/bench/bench_support_test.cc
bench_support_TEST_LIBS := bench toolslib remoting net protocol base
