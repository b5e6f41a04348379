#include "common/random.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>

#include <sodium.h>

namespace admit {
namespace {

struct SodiumInit {
  SodiumInit() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  }
};
void ensure_sodium() { static SodiumInit init; }

// Random bytes for ids, drawn from the system CSPRNG 1 KiB at a time per thread: a
// registration batch makes hundreds of ids, and one getrandom call each showed up in its
// profile. Ids are unguessable names, not secrets; secrets (new_secret_token) draw directly.
void id_random_bytes(unsigned char* out, std::size_t n) {
  thread_local std::array<unsigned char, 1024> pool{};
  thread_local std::size_t used = pool.size();
  while (n > 0) {
    if (used == pool.size()) {
      randombytes_buf(pool.data(), pool.size());
      used = 0;
    }
    const std::size_t take = std::min(n, pool.size() - used);
    std::memcpy(out, pool.data() + used, take);
    sodium_memzero(pool.data() + used, take);  // each byte is handed out once
    used += take;
    out += take;
    n -= take;
  }
}

}  // namespace

std::string new_id(std::string_view prefix) {
  ensure_sodium();
  static constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";  // Crockford-ish
  std::array<unsigned char, 16> bytes{};
  id_random_bytes(bytes.data(), bytes.size());
  std::string id(prefix);
  id.reserve(prefix.size() + 1 + bytes.size());
  id += '_';
  for (unsigned char b : bytes) id += kAlphabet[b & 31];
  return id;
}

std::string base64url_encode(std::string_view bytes) {
  ensure_sodium();
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);  // drop the terminating NUL
  return out;
}

std::string new_secret_token() {
  ensure_sodium();
  std::array<char, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  return base64url_encode(std::string_view(bytes.data(), bytes.size()));
}

std::string sha256_hex(std::string_view data) {
  ensure_sodium();
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(data.data()),
                     data.size());
  std::string hex(digest.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  hex.pop_back();
  return hex;
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace admit
