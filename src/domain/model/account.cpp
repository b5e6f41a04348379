#include "domain/model/account.hpp"

namespace admit {

std::string_view to_string(OneTimeKind kind) noexcept {
  switch (kind) {
    case OneTimeKind::verify_email: return "verify_email";
    case OneTimeKind::reset_password: return "reset_password";
  }
  return "verify_email";
}

}  // namespace admit
