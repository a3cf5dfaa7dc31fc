# The e-commerce demo (examples/ecommerce), run small through `make demo`'s
# script against a fresh `ternmq dev`. Needs build/bin/ternmq and
# build/examples/ecommerce_demo (`make test` builds both first).
TESTS += ecommerce
ecommerce_TEST_SRCS := test/examples/ecommerce_test.cc
ecommerce_TEST_LIBS := base
