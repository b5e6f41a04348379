// admit: the server binary. Everything lives in the libraries; see app/commands.cpp.
#include "app/commands.hpp"

int main(int argc, char** argv) { return admit::app::run_command_line(argc, argv); }
