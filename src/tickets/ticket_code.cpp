#include "tickets/ticket_code.hpp"

#include <cstring>
#include <stdexcept>

#include <sodium.h>

namespace admit::tickets {
namespace {

constexpr std::string_view kB45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
constexpr std::string_view kIdAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";
constexpr std::string_view kPrefix = "AT";
constexpr std::string_view kDomain{"admit-ticket\0", 13};
constexpr std::size_t kSignedLength = 22;
constexpr std::size_t kPayloadLength = kSignedLength + 64;

void ensure_sodium() {
  static const int ok = sodium_init();
  if (ok < 0) throw std::runtime_error("libsodium failed to initialise");
}

int b45_value(char c) {
  auto pos = kB45.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

int id_value(char c) {
  auto pos = kIdAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

std::string to_hex(const unsigned char* data, std::size_t n) {
  std::string hex(n * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), data, n);
  hex.pop_back();
  return hex;
}

template <std::size_t N>
std::optional<std::array<unsigned char, N>> from_hex(std::string_view hex) {
  std::array<unsigned char, N> out{};
  std::size_t len = 0;
  if (hex.size() != N * 2) return std::nullopt;
  if (sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &len, nullptr) != 0 ||
      len != N)
    return std::nullopt;
  return out;
}

std::string signed_message(std::string_view signed_bytes) {
  std::string m(kDomain);
  m.append(signed_bytes);
  return m;
}

}  // namespace

std::string_view to_string(CodeProblem p) noexcept {
  switch (p) {
    case CodeProblem::malformed: return "malformed";
    case CodeProblem::unknown_key: return "unknown_key";
    case CodeProblem::bad_signature: return "bad_signature";
  }
  return "malformed";
}

std::string base45_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() / 2) * 3 + 2);
  std::size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) {
    unsigned n = static_cast<unsigned char>(bytes[i]) * 256u + static_cast<unsigned char>(bytes[i + 1]);
    out += kB45[n % 45];
    out += kB45[(n / 45) % 45];
    out += kB45[n / 2025];
  }
  if (i < bytes.size()) {
    unsigned n = static_cast<unsigned char>(bytes[i]);
    out += kB45[n % 45];
    out += kB45[n / 45];
  }
  return out;
}

std::optional<std::string> base45_decode(std::string_view text) {
  if (text.size() % 3 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 3 * 2 + 1);
  std::size_t i = 0;
  for (; i + 3 <= text.size(); i += 3) {
    int c = b45_value(text[i]), d = b45_value(text[i + 1]), e = b45_value(text[i + 2]);
    if (c < 0 || d < 0 || e < 0) return std::nullopt;
    unsigned n = static_cast<unsigned>(c + d * 45 + e * 2025);
    if (n > 0xFFFF) return std::nullopt;
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(n & 0xFF);
  }
  if (i < text.size()) {  // two characters left: one byte
    int c = b45_value(text[i]), d = b45_value(text[i + 1]);
    if (c < 0 || d < 0) return std::nullopt;
    unsigned n = static_cast<unsigned>(c + d * 45);
    if (n > 0xFF) return std::nullopt;
    out += static_cast<char>(n);
  }
  return out;
}

std::optional<std::array<unsigned char, 10>> pack_id(std::string_view id, std::string_view prefix) {
  if (id.size() != prefix.size() + 17 || id.substr(0, prefix.size()) != prefix ||
      id[prefix.size()] != '_')
    return std::nullopt;
  std::array<unsigned char, 10> out{};
  std::uint64_t acc = 0;
  int bits = 0;
  std::size_t o = 0;
  for (char c : id.substr(prefix.size() + 1)) {
    int v = id_value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 5) | static_cast<unsigned>(v);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = static_cast<unsigned char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

std::string unpack_id(const unsigned char* bytes, std::string_view prefix) {
  std::string id(prefix);
  id += '_';
  std::uint64_t acc = 0;
  int bits = 0;
  for (int i = 0; i < 10; ++i) {
    acc = (acc << 8) | bytes[i];
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      id += kIdAlphabet[(acc >> bits) & 31];
    }
  }
  return id;
}

std::optional<DecodedCode> decode_ticket_code(std::string_view text) {
  if (text.size() != kTicketCodeLength || text.substr(0, kPrefix.size()) != kPrefix)
    return std::nullopt;
  auto bytes = base45_decode(text.substr(kPrefix.size()));
  if (!bytes || bytes->size() != kPayloadLength) return std::nullopt;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes->data());
  if (p[0] != kTicketCodeVersion) return std::nullopt;
  DecodedCode d;
  d.claim.version = p[0];
  d.claim.key_id = p[1];
  d.claim.ticket_id = unpack_id(p + 2, "tkt");
  d.claim.event_id = unpack_id(p + 12, "evt");
  std::memcpy(d.signature.data(), p + kSignedLength, d.signature.size());
  d.signed_bytes = bytes->substr(0, kSignedLength);
  // The text must be the one canonical encoding of these bytes (base45 has none other, but
  // say so explicitly: a scanner may use the text as a key).
  if (std::string(kPrefix) + base45_encode(*bytes) != text) return std::nullopt;
  return d;
}

TicketSigner::TicketSigner(std::uint8_t key_id, const SecretKey& secret)
    : key_id_(key_id), secret_(secret), public_key_(public_key_of(secret)) {}

std::optional<std::string> TicketSigner::sign(std::string_view ticket_id,
                                              std::string_view event_id) const {
  auto t = pack_id(ticket_id, "tkt");
  auto e = pack_id(event_id, "evt");
  if (!t || !e) return std::nullopt;
  std::string payload;
  payload.reserve(kPayloadLength);
  payload += static_cast<char>(kTicketCodeVersion);
  payload += static_cast<char>(key_id_);
  payload.append(reinterpret_cast<const char*>(t->data()), t->size());
  payload.append(reinterpret_cast<const char*>(e->data()), e->size());
  const std::string message = signed_message(payload);
  Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), secret_.data());
  payload.append(reinterpret_cast<const char*>(sig.data()), sig.size());
  return std::string(kPrefix) + base45_encode(payload);
}

TicketVerifier::Outcome TicketVerifier::verify(std::string_view text) const {
  ensure_sodium();
  Outcome out;
  auto decoded = decode_ticket_code(text);
  if (!decoded) return out;
  auto key = keys_.find(decoded->claim.key_id);
  if (key == keys_.end()) {
    out.problem = CodeProblem::unknown_key;
    return out;
  }
  const std::string message = signed_message(decoded->signed_bytes);
  if (crypto_sign_verify_detached(decoded->signature.data(),
                                  reinterpret_cast<const unsigned char*>(message.data()),
                                  message.size(), key->second.data()) != 0) {
    out.problem = CodeProblem::bad_signature;
    return out;
  }
  out.claim = std::move(decoded->claim);
  return out;
}

SecretKey generate_secret_key() {
  ensure_sodium();
  PublicKey pk{};
  SecretKey sk{};
  crypto_sign_keypair(pk.data(), sk.data());
  return sk;
}

PublicKey public_key_of(const SecretKey& secret) {
  PublicKey pk{};
  std::memcpy(pk.data(), secret.data() + 32, pk.size());  // libsodium keeps it in the tail
  return pk;
}

std::string seed_hex(const SecretKey& secret) { return to_hex(secret.data(), 32); }

std::optional<SecretKey> secret_from_seed_hex(std::string_view hex) {
  ensure_sodium();
  auto seed = from_hex<32>(hex);
  if (!seed) return std::nullopt;
  PublicKey pk{};
  SecretKey sk{};
  crypto_sign_seed_keypair(pk.data(), sk.data(), seed->data());
  sodium_memzero(seed->data(), seed->size());
  return sk;
}

std::string key_hex(const PublicKey& key) { return to_hex(key.data(), key.size()); }

std::optional<PublicKey> public_key_from_hex(std::string_view hex) { return from_hex<32>(hex); }

}  // namespace admit::tickets
