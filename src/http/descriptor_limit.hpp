#pragma once
// Every open connection is a file descriptor: the server raises its own soft limit
// (RLIMIT_NOFILE) to the hard limit at start, as far as the system allows without
// privileges, and logs what it got; it warns when that is below max_connections (then
// raise the hard limit: `ulimit -Hn`, systemd's LimitNOFILE=).
#include <cstddef>
#include <cstdint>

namespace admit::http {

// Returns the soft limit in force afterwards.
std::uint64_t raise_descriptor_limit(std::size_t max_connections);

}  // namespace admit::http
