LIBS += bench
bench_SRCS := tools/bench/store_bench.cc
