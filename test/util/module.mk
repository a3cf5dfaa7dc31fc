LIBS += testutil
testutil_SRCS := test/util/temp_dir.cc test/util/child_process.cc test/util/remoting_fixtures.cc
TEST_MAIN_OBJS := $(OBJDIR)/test/util/doctest_main.o
# doctest_main.o uses logging from libtern_base; every test links base.
