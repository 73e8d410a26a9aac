// The embedded platform: composition of the gateway and the four service components in one
// process. Serve() is the whole program's lifetime: configuration, databases, bus, modules,
// server, then graceful shutdown on SIGINT/SIGTERM.
#pragma once

namespace shop::embedded {

int Serve();
int RunAdminCli(int argc, char** argv);

}  // namespace shop::embedded
