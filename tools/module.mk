ternmq_SRCS := tools/main.cc
ternmq_LIBS := remoting protocol base
