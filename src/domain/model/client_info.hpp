#pragma once
// ClientInfo: who is asking, as the HTTP layer saw it, for rate limits, the audit log and
// the sessions list.
#include <string>

namespace admit {

struct ClientInfo {
  std::string ip;
  std::string user_agent;
};

}  // namespace admit
