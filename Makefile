# TernMQ — hand-written GNU Makefile (see README.md for the two commands).
#
# Each module lists its sources explicitly in <folder>/*.mk fragments:
#   LIBS += name            name_SRCS := a.cc b.cc        -> $(BUILD)/lib/libtern_name.a
#   TESTS += name           name_TEST_SRCS := ...         -> $(BUILD)/test/name_test
#                           name_TEST_LIBS := name base   (libraries the test links)
# Objects go under $(BUILD)/obj, header dependencies come from -MMD -MP.

BUILD ?= build
CXX ?= g++
ifeq ($(origin CXX),default)
CXX := g++
endif
NPROC := $(shell nproc 2>/dev/null || echo 2)
# Parallel by default; a sub-make (asan, fuzz) shares its parent's job server.
ifeq ($(MAKELEVEL),0)
ifeq ($(filter -j%,$(MAKEFLAGS)),)
MAKEFLAGS += -j$(NPROC)
endif
endif
MAKEFLAGS += --no-print-directory

OPT ?= -O2
SANITIZE ?=
WARNINGS := -Wall -Wextra -Wno-missing-field-initializers
CPPFLAGS += -I. -Iinclude
CXXFLAGS ?= $(OPT) -g
CXXFLAGS += -std=c++20 $(WARNINGS) -pthread -MMD -MP
LDLIBS := -lrocksdb -luv -lfmt -lz -pthread
ifneq ($(SANITIZE),)
CXXFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=$(SANITIZE)
endif

OBJDIR := $(BUILD)/obj
DEB_PACKAGES := libuv1-dev librocksdb-dev libfmt-dev nlohmann-json3-dev doctest-dev zlib1g-dev

LIBS :=
TESTS :=
# Every *.mk fragment in the source folders; a folder may have several (each
# appends to its module's lists with +=).
include $(sort $(wildcard src/*/*.mk nameserver/*.mk nameserver/*/*.mk broker/*.mk broker/*/*.mk \
                          tools/*.mk tools/*/*.mk test/util/*.mk test/examples/*.mk))
LIBS := $(sort $(LIBS))
TESTS := $(sort $(TESTS))

.PHONY: all deps test run asan fuzz format clean help sdk examples install demo
.DEFAULT_GOAL := all

help:
	@echo "make            build build/bin/ternmq (installs missing Debian packages first)"
	@echo "make test       build and run every test"
	@echo "make run        build and start 'ternmq dev' (data under ./data)"
	@echo "make asan       build and run the tests under ASan+UBSan (in build/asan)"
	@echo "make fuzz       build and run the frame decoder fuzzer (clang, FUZZ_SECONDS=60)"
	@echo "make sdk        build/lib/libternmq.a: the C++ SDK in one archive"
	@echo "make examples   build the SDK examples into build/examples"
	@echo "make demo       run the e-commerce flow against ternmq dev and check it (DEMO_ORDERS=100)"
	@echo "make install    install the SDK headers, libternmq.a and ternmq.pc under PREFIX"
	@echo "make format     clang-format every source file"
	@echo "make clean      remove build/"

# ---- dependencies ------------------------------------------------------------------------
# Installs the Debian packages that are missing (root, or sudo). A no-op when all are present.
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing \
	    || { echo "deps: apt-get failed; install these packages by hand:$$missing" >&2; exit 1; }; \
	fi

# ---- rules -------------------------------------------------------------------------------
$(OBJDIR)/%.o: %.cc | deps
	@mkdir -p $(@D)
	@echo "CXX $<"
	@$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c $< -o $@

define LIB_template
$(1)_OBJS := $$(patsubst %.cc,$$(OBJDIR)/%.o,$$($(1)_SRCS))
$$(BUILD)/lib/libtern_$(1).a: $$($(1)_OBJS)
	@mkdir -p $$(@D)
	@echo "AR  $$@"
	@rm -f $$@ && $$(AR) rcs $$@ $$^
ALL_OBJS += $$($(1)_OBJS)
endef

define TEST_template
$(1)_TEST_OBJS := $$(patsubst %.cc,$$(OBJDIR)/%.o,$$($(1)_TEST_SRCS))
$$(BUILD)/test/$(1)_test: $$($(1)_TEST_OBJS) $$(TEST_MAIN_OBJS) $$(foreach l,$$($(1)_TEST_LIBS) testutil,$$(BUILD)/lib/libtern_$$(l).a)
	@mkdir -p $$(@D)
	@echo "LD  $$@"
	@$$(CXX) $$(CXXFLAGS) $$(LDFLAGS) -o $$@ $$(filter %.o,$$^) -Wl,--start-group $$(filter %.a,$$^) -Wl,--end-group $$(LDLIBS)
ALL_OBJS += $$($(1)_TEST_OBJS)
TEST_BINS += $$(BUILD)/test/$(1)_test
endef

$(foreach l,$(LIBS),$(eval $(call LIB_template,$(l))))
$(foreach t,$(TESTS),$(eval $(call TEST_template,$(t))))

TERNMQ_OBJS := $(patsubst %.cc,$(OBJDIR)/%.o,$(ternmq_SRCS))
ALL_OBJS += $(TERNMQ_OBJS) $(TEST_MAIN_OBJS)
TERNMQ_ALIASES := $(BUILD)/bin/mqnamesrv $(BUILD)/bin/mqbroker $(BUILD)/bin/mqadmin

$(BUILD)/bin/ternmq: $(TERNMQ_OBJS) $(foreach l,$(ternmq_LIBS),$(BUILD)/lib/libtern_$(l).a)
	@mkdir -p $(@D)
	@echo "LD  $@"
	@$(CXX) $(CXXFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) -Wl,--start-group $(filter %.a,$^) -Wl,--end-group $(LDLIBS)

$(TERNMQ_ALIASES): | $(BUILD)/bin/ternmq
	@ln -sf ternmq $@

all: deps $(BUILD)/bin/ternmq $(TERNMQ_ALIASES)

# ---- the SDK as one archive, its examples, installation ------------------------------------
SDK_LIBS := ternmqclient remoting net protocol base
SDK_LIB := $(BUILD)/lib/libternmq.a
SDK_LDLIBS := -luv -lfmt -lz -pthread
$(SDK_LIB): $(foreach l,$(SDK_LIBS),$(BUILD)/lib/libtern_$(l).a)
	@echo "AR  $@"
	@rm -f $@ && { echo "create $@"; for a in $^; do echo "addlib $$a"; done; echo save; echo end; } | $(AR) -M
sdk: deps $(SDK_LIB)

# Examples see only the public headers (include/), as an application would.
EXAMPLES := $(patsubst examples/%.cc,$(BUILD)/examples/%,$(wildcard examples/*.cc))
$(BUILD)/examples/%: examples/%.cc $(SDK_LIB)
	@mkdir -p $(@D)
	@echo "LD  $@"
	@$(CXX) -std=c++20 $(WARNINGS) $(OPT) $(LDFLAGS) -Iinclude -o $@ $< $(SDK_LIB) $(SDK_LDLIBS)
# The e-commerce flow (examples/ecommerce): several files, plus RocksDB for the
# services' local stores.
ECOMMERCE_SRCS := $(sort $(wildcard examples/ecommerce/*.cc))
ECOMMERCE_DEMO := $(BUILD)/examples/ecommerce_demo
$(ECOMMERCE_DEMO): $(ECOMMERCE_SRCS) $(wildcard examples/ecommerce/*.h) $(SDK_LIB)
	@mkdir -p $(@D)
	@echo "LD  $@"
	@$(CXX) -std=c++20 $(WARNINGS) $(OPT) $(LDFLAGS) -Iinclude -o $@ $(ECOMMERCE_SRCS) $(SDK_LIB) -lrocksdb $(SDK_LDLIBS)
EXAMPLES += $(ECOMMERCE_DEMO)
examples: deps $(EXAMPLES)

# Starts `ternmq dev` with short timers (or uses the one already on
# 127.0.0.1:9876), runs the flow for DEMO_ORDERS orders, prints the summary and
# exits non-zero when an invariant fails. DEMO_ARGS: more ecommerce_demo options.
DEMO_ORDERS ?= 100
DEMO_ARGS ?=
demo: all $(ECOMMERCE_DEMO)
	@TERNMQ_BIN=$(abspath $(BUILD)/bin/ternmq) DEMO_BIN=$(abspath $(ECOMMERCE_DEMO)) \
	  bash examples/ecommerce/run_demo.sh --orders $(DEMO_ORDERS) $(DEMO_ARGS)

PREFIX ?= /usr/local
install: sdk
	install -d $(DESTDIR)$(PREFIX)/include/ternmq $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 644 include/ternmq/*.h $(DESTDIR)$(PREFIX)/include/ternmq/
	install -m 644 $(SDK_LIB) $(DESTDIR)$(PREFIX)/lib/
	printf 'prefix=%s\nincludedir=$${prefix}/include\nlibdir=$${prefix}/lib\n\nName: ternmq\nDescription: TernMQ C++ client SDK (RocketMQ remoting protocol)\nVersion: %s\nCflags: -std=c++20 -I$${includedir}\nLibs: -L$${libdir} -lternmq %s\n' \
	  '$(PREFIX)' "$$(sed -n 's/.*TERNMQ_VERSION "\(.*\)"/\1/p' tools/version.h)" '$(SDK_LDLIBS)' \
	  > $(DESTDIR)$(PREFIX)/lib/pkgconfig/ternmq.pc

tests: all $(TEST_BINS)

# Runs every test binary; the last line is "tests: N passed, N failed, N skipped".
test: all $(TEST_BINS) $(EXAMPLES)
	@TERNMQ_BIN=$(abspath $(BUILD)/bin/ternmq) TERNMQ_EXAMPLES=$(abspath $(BUILD)/examples) \
	  bash test/run_tests.sh $(TEST_BINS)

run: all
	$(BUILD)/bin/ternmq dev

asan:
	@$(MAKE) BUILD=build/asan SANITIZE=address,undefined OPT=-O1 test

FUZZ_SECONDS ?= 60
fuzz: deps
	@command -v clang++ >/dev/null || { echo "fuzz needs clang++ (apt-get install clang)"; exit 1; }
	@$(MAKE) BUILD=build/fuzz CXX=clang++ SANITIZE=fuzzer-no-link,address OPT=-O1 build/fuzz/lib/libtern_remoting.a build/fuzz/lib/libtern_net.a build/fuzz/lib/libtern_protocol.a build/fuzz/lib/libtern_base.a
	@mkdir -p build/fuzz/bin build/fuzz/corpus
	clang++ -std=c++20 -O1 -g -I. -fsanitize=fuzzer,address test/fuzz/frame_decoder_fuzz.cc \
	  -Wl,--start-group build/fuzz/lib/libtern_remoting.a build/fuzz/lib/libtern_net.a build/fuzz/lib/libtern_protocol.a build/fuzz/lib/libtern_base.a -Wl,--end-group \
	  $(LDLIBS) -o build/fuzz/bin/frame_decoder_fuzz
	build/fuzz/bin/frame_decoder_fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=4096 build/fuzz/corpus test/fuzz/corpus

FORMAT_FILES = $(shell git ls-files '*.h' '*.cc')
format:
	clang-format -i $(FORMAT_FILES)

clean:
	rm -rf build

-include $(ALL_OBJS:.o=.d)
