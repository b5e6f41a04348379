#pragma once
// Randomness and digests from libsodium: ids, secret tokens and their stored hashes.
#include <string>
#include <string_view>

namespace admit {

// Opaque id such as "evt_3k9x2m7q4w8p1n5r": prefix + 16 base32 characters (80 bits).
std::string new_id(std::string_view prefix);
// 256-bit secret as 43 base64url characters (session ids, verification and API tokens).
std::string new_secret_token();
// Hex SHA-256 of a secret: what the database stores instead of the secret itself.
std::string sha256_hex(std::string_view data);
// Constant-time comparison of two strings (lengths may differ; length is not hidden).
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;
std::string base64url_encode(std::string_view bytes);

}  // namespace admit
