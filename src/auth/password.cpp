#include "auth/password.hpp"

#include <stdexcept>

#include <sodium.h>

namespace admit::auth {

std::string hash_password(std::string_view password, const HashParams& params) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), params.ops,
                            params.memory_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("password hashing ran out of memory");
  return out;
}

bool verify_password(const std::string& hash, std::string_view password) {
  if (hash.empty()) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool needs_rehash(const std::string& hash, const HashParams& params) {
  return crypto_pwhash_str_needs_rehash(hash.c_str(), params.ops, params.memory_bytes) != 0;
}

}  // namespace admit::auth
