#include "http/descriptor_limit.hpp"

#include <sys/resource.h>

#include "common/log.hpp"

namespace admit::http {

std::uint64_t raise_descriptor_limit(std::size_t max_connections) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  const rlim_t before = limit.rlim_cur;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) (void)::getrlimit(RLIMIT_NOFILE, &limit);
  }
  const auto now = static_cast<std::uint64_t>(limit.rlim_cur);
  log::info("descriptor limit", {{"before", static_cast<std::uint64_t>(before)},
                                 {"now", now},
                                 {"hard", static_cast<std::uint64_t>(limit.rlim_max)}});
  // Headroom for the database, log and listening descriptors.
  if (now < max_connections + 64)
    log::warn("descriptor limit is below max_connections; raise the hard limit",
              {{"limit", now}, {"max_connections", static_cast<std::uint64_t>(max_connections)}});
  return now;
}

}  // namespace admit::http
