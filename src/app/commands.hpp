#pragma once
// The command line: `admit serve|migrate|user add|token create|demo|config check|backup`.
namespace admit::app {

// Parses argv and runs the command; returns the process exit code.
int run_command_line(int argc, char** argv);

}  // namespace admit::app
