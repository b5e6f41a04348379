#pragma once
// Password hashing with argon2id (libsodium). Hashes are self-describing strings
// ("$argon2id$v=19$m=...,t=...,p=1$..."), so parameters can be raised later and old
// hashes upgraded at the next sign-in (needs_rehash).
#include <string>
#include <string_view>

namespace admit::auth {

struct HashParams {
  unsigned long long ops = 2;                 // passes (OWASP: at least 2 with 19 MiB)
  std::size_t memory_bytes = 19u << 20;       // 19 MiB
};

std::string hash_password(std::string_view password, const HashParams& params = {});
bool verify_password(const std::string& hash, std::string_view password);
bool needs_rehash(const std::string& hash, const HashParams& params = {});

}  // namespace admit::auth
