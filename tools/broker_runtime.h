// Broker start-up shared by `ternmq broker` and `ternmq dev` (defined in
// broker_command.cc).
#pragma once

#include <string>

#include "broker/broker.h"
#include "broker/broker_config.h"
#include "tools/cli.h"

namespace tern::tools {

// Binds `config` into `registry` and applies, in order: $NAMESRV_ADDR (as
// RocketMQ does), `-c FILE`, the --<key>=<value> `overrides`, then -n
// (namesrvAddr). Ports and directories are the command's business. Does not
// call ResolveBrokerConfig.
Status ApplyBrokerArgs(const ParsedArgs& args, const PropertyList& overrides,
                       broker::BrokerConfig* config, ConfigRegistry* registry);

// "The broker[<brokerName>, <brokerIP1>:<port>] boot success. serializeType=JSON
// and name server is <namesrvAddr>" on stdout (RocketMQ's words), flushed.
void PrintBrokerBootLine(const broker::Broker& broker);

}  // namespace tern::tools
