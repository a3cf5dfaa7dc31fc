// `ternmq bench delay`: scheduled delivery precision and memory (issue 7,
// "Benchmark"). Runs a real MessageStore + ScheduleService in-process.
#pragma once

namespace tern::bench {

// argv[0] is the first option (not the program name). Returns a process exit code.
//   --messages N     timer messages in the precision phase (default 100000)
//   --window-ms W    their due times spread evenly over W ms (default 10000,
//                    i.e. 10,000 due per second), starting --lead-ms after sending
//   --lead-ms L      (default 2000)
//   --size S         body bytes (default 256)
//   --pending P      messages scheduled a day ahead for the RSS phase (default
//                    1000000; 0 skips it)
//   --dir PATH       where to write (default $TMPDIR or /tmp); removed afterwards
int RunDelayBench(int argc, char** argv);

}  // namespace tern::bench
