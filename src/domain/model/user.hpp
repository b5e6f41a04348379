#pragma once
// Accounts and API tokens, as stored. Secrets are never stored: only their SHA-256
// (tokens) or argon2id hash (passwords).
#include <optional>
#include <string>
#include <vector>

#include "common/time.hpp"

namespace admit {

inline constexpr std::string_view kRoleAttendee = "attendee";
inline constexpr std::string_view kRoleOrganizer = "organizer";
inline constexpr std::string_view kRoleAdmin = "admin";
bool is_role(std::string_view role) noexcept;

struct User {
  std::string id;
  std::string email;  // normalised: trimmed, lower-case
  std::string name;
  std::string password_hash;  // argon2id encoded string; empty when the account is deleted
  std::vector<std::string> roles;
  std::optional<Timestamp> email_verified_at;
  bool disabled = false;
  Timestamp created_at;
  Timestamp updated_at;

  bool has_role(std::string_view role) const noexcept {
    for (const auto& r : roles)
      if (r == role) return true;
    return false;
  }
};

struct ApiToken {
  std::string id;
  std::string user_id;
  std::string name;
  std::string token_hash;                  // sha256_hex of the secret
  std::optional<std::string> event_scope;  // limited to one event's check-in
  Timestamp created_at;
  std::optional<Timestamp> last_used_at;
  std::optional<Timestamp> revoked_at;
  std::optional<Timestamp> expires_at;  // stops working then (none: until revoked)

  bool expired(Timestamp now) const noexcept { return expires_at && *expires_at <= now; }
};

}  // namespace admit
