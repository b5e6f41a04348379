#pragma once
// Who is acting, as the services see it (the HTTP layer builds it from a session or token).
#include <optional>
#include <string>
#include <vector>

namespace admit {

struct Actor {
  std::string user_id;
  std::vector<std::string> roles;
  std::optional<std::string> event_scope;  // a door-staff token limited to one event

  bool has_role(std::string_view role) const noexcept {
    for (const auto& r : roles)
      if (r == role) return true;
    return false;
  }
  bool is_admin() const noexcept { return has_role("admin"); }
};

}  // namespace admit
