# `ternmq bench delay` (tools/bench/delay_bench.h). Links delay, brokercore and
# broker into the ternmq binary (see broker/delay/README.md, "Wiring").
bench_SRCS += tools/bench/delay_bench.cc
