# The message store: consume queues, dispatch (reput), reads and the store
# facade. The CommitLog side is in module.mk (which declares LIBS/TESTS += store).
store_SRCS += broker/store/consume_queue.cc broker/store/consume_queue_table.cc \
              broker/store/reput.cc broker/store/get_message.cc broker/store/message_store.cc
store_TEST_SRCS += test/broker/store/consume_queue_test.cc test/broker/store/reput_test.cc \
                   test/broker/store/message_store_test.cc
# reput and the facade use the key index and cursors of broker/meta.
store_TEST_LIBS += meta
