# `ternmq bench tx` (tools/bench/tx_bench.h): transactional sends beside plain
# sends, and plain sends with many transactions pending.
bench_SRCS += tools/bench/tx_bench.cc

# Runs the real binary for a fraction of a second per phase.
TESTS += tx_bench
tx_bench_TEST_SRCS := test/tools/bench/tx_bench_test.cc
tx_bench_TEST_LIBS := base
$(BUILD)/test/tx_bench_test: | $(BUILD)/bin/ternmq
