#include "common/signed_link.hpp"

#include <charconv>

#include <sodium.h>

#include "common/random.hpp"

namespace admit {

std::string LinkSigner::mac(std::string_view path, std::string_view subject,
                            std::int64_t expires) const {
  std::string message = "admit-link\n";
  message.append(path);
  message += '\n';
  message.append(subject);
  message += '\n';
  message += std::to_string(expires);
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> out{};
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key_.data(), key_.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  crypto_auth_hmacsha256_final(&st, out.data());
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(out.data()), out.size()));
}

std::string LinkSigner::sign(std::string_view path, std::string_view subject,
                             Timestamp expires) const {
  const std::int64_t exp = to_millis(expires) / 1000;
  return std::string(path) + "?expires=" + std::to_string(exp) + "&signature=" +
         mac(path, subject, exp);
}

bool LinkSigner::verify(std::string_view path, std::string_view subject, std::string_view expires,
                        std::string_view signature, Timestamp now) const {
  std::int64_t exp = 0;
  auto [p, ec] = std::from_chars(expires.data(), expires.data() + expires.size(), exp);
  if (ec != std::errc{} || p != expires.data() + expires.size() || exp <= 0) return false;
  // The MAC is checked before the time, and both always run: a caller learns nothing from
  // how long a refusal takes beyond "refused".
  const bool genuine = constant_time_equal(mac(path, subject, exp), signature);
  const bool fresh = to_millis(now) / 1000 < exp;
  return genuine && fresh;
}

}  // namespace admit
