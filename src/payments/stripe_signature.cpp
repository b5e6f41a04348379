#include "payments/stripe_signature.hpp"

#include <sodium.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <optional>

namespace admit::payments {
namespace {

using Mac = std::array<unsigned char, crypto_auth_hmacsha256_BYTES>;

Error invalid(std::string detail) {
  return Error{ErrorCode::invalid_signature, std::move(detail), {}, 0};
}

Mac hmac(std::string_view secret, std::string_view t, std::string_view payload) {
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(t.data()), t.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>("."), 1);
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(payload.data()),
                                payload.size());
  Mac mac{};
  crypto_auth_hmacsha256_final(&st, mac.data());
  return mac;
}

std::optional<Mac> from_hex(std::string_view hex) {
  Mac out{};
  if (hex.size() != out.size() * 2) return std::nullopt;
  std::size_t len = 0;
  if (sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &len, nullptr) != 0 ||
      len != out.size())
    return std::nullopt;
  return out;
}

struct Parsed {
  std::string_view t;
  std::vector<std::string_view> v1;
};

Parsed parse(std::string_view header) {
  Parsed p;
  while (!header.empty()) {
    auto comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    auto eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    auto key = item.substr(0, eq);
    auto value = item.substr(eq + 1);
    if (key == "t") p.t = value;
    else if (key == "v1") p.v1.push_back(value);
  }
  return p;
}

}  // namespace

Status verify_stripe_signature(std::string_view payload, std::string_view header,
                               const std::vector<std::string>& secrets, Timestamp now,
                               std::chrono::seconds tolerance) {
  if (header.empty()) return invalid("the Stripe-Signature header is missing");
  if (secrets.empty()) return invalid("no webhook secret is configured");
  const Parsed p = parse(header);
  std::int64_t t = 0;
  auto [end, ec] = std::from_chars(p.t.data(), p.t.data() + p.t.size(), t);
  if (p.t.empty() || ec != std::errc{} || end != p.t.data() + p.t.size())
    return invalid("the Stripe-Signature header has no valid timestamp (t=)");
  if (p.v1.empty()) return invalid("the Stripe-Signature header has no v1 signature");
  const std::int64_t now_s = to_millis(now) / 1000;
  const std::int64_t skew = now_s > t ? now_s - t : t - now_s;
  if (skew > tolerance.count())
    return invalid("the Stripe-Signature timestamp is outside the tolerance window");
  for (const auto& secret : secrets) {
    const Mac expected = hmac(secret, p.t, payload);
    for (auto v : p.v1) {
      auto given = from_hex(v);
      if (given && sodium_memcmp(given->data(), expected.data(), expected.size()) == 0) return {};
    }
  }
  return invalid("no v1 signature matches the payload");
}

std::string stripe_signature_header(std::string_view payload, std::int64_t unix_seconds,
                                    std::string_view secret) {
  const std::string t = std::to_string(unix_seconds);
  const Mac mac = hmac(secret, t, payload);
  std::string hex(mac.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), mac.data(), mac.size());
  hex.pop_back();
  return "t=" + t + ",v1=" + hex;
}

}  // namespace admit::payments
