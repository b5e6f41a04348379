#pragma once
// Passwords: the strength rule and the slow hash, as the account service needs them
// (auth/argon2_passwords implements it with argon2id; tests use a fast fake).
// hash() and verify() are slow on purpose: call them off the network threads, on the
// bounded hashing pool.
#include <optional>
#include <string>
#include <string_view>

namespace admit {

class Passwords {
 public:
  virtual ~Passwords() = default;
  // Why the password is refused ("must contain an uppercase letter"), or nullopt.
  virtual std::optional<std::string> weakness(std::string_view password) const = 0;
  virtual std::string hash(std::string_view password) = 0;
  // False for a wrong password and for an empty or malformed hash.
  virtual bool verify(const std::string& hash, std::string_view password) = 0;
  // True when the hash was made with other parameters than today's (rehash at sign-in).
  virtual bool needs_rehash(const std::string& hash) = 0;
};

}  // namespace admit
