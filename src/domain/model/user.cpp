#include "domain/model/user.hpp"

namespace admit {

bool is_role(std::string_view role) noexcept {
  return role == kRoleAttendee || role == kRoleOrganizer || role == kRoleAdmin;
}

}  // namespace admit
