LIBS += meta
meta_SRCS := broker/meta/meta_db.cc broker/meta/config_table.cc \
             broker/meta/consumer_offset_table.cc broker/meta/cursor_table.cc \
             broker/meta/key_index.cc
TESTS += meta
meta_TEST_SRCS := test/broker/meta/meta_db_test.cc test/broker/meta/config_table_test.cc \
                  test/broker/meta/consumer_offset_table_test.cc \
                  test/broker/meta/cursor_table_test.cc test/broker/meta/key_index_test.cc
meta_TEST_LIBS := meta protocol base
