# The message store: CommitLog side (this file) - the ConsumeQueue / dispatch /
# index side appends its sources in queue.mk.
LIBS += store
store_SRCS += broker/store/store_format.cc broker/store/file_io.cc broker/store/fault_file_io.cc \
              broker/store/mapped_file.cc broker/store/segment_allocator.cc \
              broker/store/flush_service.cc broker/store/checkpoint.cc broker/store/store_lock.cc \
              broker/store/put_result.cc broker/store/commit_log.cc \
              broker/store/commit_log_recovery.cc broker/store/commit_log_reader.cc \
              broker/store/retention.cc

TESTS += store
store_TEST_SRCS += test/broker/store/commit_log_test.cc test/broker/store/commit_log_flush_test.cc \
                   test/broker/store/commit_log_recovery_test.cc test/broker/store/retention_test.cc \
                   test/broker/store/checkpoint_test.cc test/broker/store/crash_test.cc
store_TEST_LIBS := store protocol base

# The kill -9 test drives this writer as a child process; it lives next to the
# test binary, which must be built after it.
STORE_CRASH_WRITER := $(BUILD)/test/store_crash_writer
STORE_CRASH_WRITER_OBJS := $(OBJDIR)/test/broker/store/crash_writer.o
ALL_OBJS += $(STORE_CRASH_WRITER_OBJS)
$(STORE_CRASH_WRITER): $(STORE_CRASH_WRITER_OBJS) $(BUILD)/lib/libtern_store.a $(BUILD)/lib/libtern_protocol.a $(BUILD)/lib/libtern_base.a
	@mkdir -p $(@D)
	@echo "LD  $@"
	@$(CXX) $(CXXFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) -Wl,--start-group $(filter %.a,$^) -Wl,--end-group $(LDLIBS)
$(BUILD)/test/store_test: | $(STORE_CRASH_WRITER)
