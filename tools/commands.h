// Entry points of the `ternmq` subcommands. Each takes the arguments after
// the subcommand name and returns the process exit code.
#pragma once

namespace tern::tools {

int NamesrvMain(int argc, char** argv);
int BrokerMain(int argc, char** argv);
int DevMain(int argc, char** argv);
int AdminMain(int argc, char** argv);
int BenchMain(int argc, char** argv);

}  // namespace tern::tools
