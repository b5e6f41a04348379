#pragma once
// Short-lived signed links (ticket PDF downloads): an HMAC-SHA256 over the path, the user
// the link was made for and its expiry, with a key of its own (never the ticket key).
// Checking recomputes the MAC and compares in constant time; a link changed in any part,
// expired, or presented by another user fails, and the caller says no more than that.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/time.hpp"

namespace admit {

using LinkKey = std::array<unsigned char, 32>;

class LinkSigner {
 public:
  explicit LinkSigner(const LinkKey& key) : key_(key) {}
  // "<path>?expires=<unix seconds>&signature=<base64url MAC>".
  std::string sign(std::string_view path, std::string_view subject, Timestamp expires) const;
  // True when `signature` is the MAC of (path, subject, expires) and `now` is before expires.
  bool verify(std::string_view path, std::string_view subject, std::string_view expires,
              std::string_view signature, Timestamp now) const;

 private:
  std::string mac(std::string_view path, std::string_view subject, std::int64_t expires) const;
  LinkKey key_;
};

}  // namespace admit
