LIBS += protocol
protocol_SRCS += src/protocol/codes.cc
