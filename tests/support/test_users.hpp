#pragma once
// Users for the store suites: a complete account record, not yet stored, with a fresh id.
#include <string>
#include <vector>

#include "common/random.hpp"
#include "domain/model/user.hpp"

namespace admit::test {

inline User test_user(std::string email, std::vector<std::string> roles, Timestamp at, std::string name = "Ada") {
  User u;
  u.id = new_id("usr");
  u.email = std::move(email);
  u.name = std::move(name);
  u.password_hash = "hash";
  u.roles = std::move(roles);
  u.created_at = u.updated_at = at;
  return u;
}

}  // namespace admit::test
