#pragma once
// Argon2Passwords: the Passwords port with argon2id (auth/password.hpp) and the strength
// rule. Stateless apart from the parameters; thread-safe.
#include "auth/password.hpp"
#include "domain/ports/passwords.hpp"

namespace admit::auth {

class Argon2Passwords final : public Passwords {
 public:
  explicit Argon2Passwords(HashParams params = {}) : params_(params) {}

  std::optional<std::string> weakness(std::string_view password) const override {
    return password_weakness(password);
  }
  std::string hash(std::string_view password) override { return hash_password(password, params_); }
  bool verify(const std::string& hash, std::string_view password) override {
    return verify_password(hash, password);
  }
  bool needs_rehash(const std::string& hash) override { return auth::needs_rehash(hash, params_); }

 private:
  HashParams params_;
};

}  // namespace admit::auth
