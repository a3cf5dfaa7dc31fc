LIBS += remoting
remoting_SRCS := src/remoting/remoting_command.cc
