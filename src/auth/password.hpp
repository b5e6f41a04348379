#pragma once
// Password hashing with argon2id (libsodium) and the password strength rule.
// Hashes are self-describing strings ("$argon2id$v=19$m=...,t=...,p=1$..."), so
// parameters can be raised later and old hashes upgraded at the next sign-in
// (needs_rehash).
#include <cstddef>
#include <optional>
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

// The strength rule (the web form shows the same):
// - 8 to 128 characters (Unicode code points) of valid UTF-8;
// - at least one uppercase letter (A-Z or an uppercase letter of any other script), one
//   digit 0-9 and one symbol (anything but an ASCII letter or digit: "!", a space, "é");
// - not a common password: the list in data/common-passwords.txt (30,000 entries, from
//   Debian's python3-zxcvbn) is checked case-insensitively against the password, and
//   against it with leading and trailing digits and symbols removed, so "Password1!" and
//   "!!Dragon2024" are refused.
// Returns the message for the `password` field ("must contain a number and a symbol"),
// or nullopt when the password is acceptable.
inline constexpr std::size_t kPasswordMinLength = 8;
inline constexpr std::size_t kPasswordMaxLength = 128;
std::optional<std::string> password_weakness(std::string_view password);

// True when the lower-cased text is on the common-password list.
bool is_common_password(std::string_view lower_case_text);
// How many entries the embedded list holds.
std::size_t common_password_count();

}  // namespace admit::auth
