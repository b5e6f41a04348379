#pragma once
// Ticket codes: the text inside a ticket's QR code, and the only thing a scanner needs to
// tell a genuine ticket from a forged one (DESIGN.md §5).
//
// Contract
//   text    = "AT" + base45(payload)                    (RFC 9285 alphabet: QR alphanumeric)
//   payload = version (1 byte, = 1) | key id (1 byte) | ticket id (10 bytes) |
//             event id (10 bytes) | Ed25519 signature (64 bytes)               = 86 bytes
//   The signature covers "admit-ticket\0" followed by the first 22 payload bytes.
//   Ids are "<prefix>_" + 16 characters of admit's base32 alphabet (common/random.hpp);
//   each packs into 10 bytes. Only the 16 characters travel: the prefixes are implied.
//   The text is 131 characters, all in the QR alphanumeric set, which fits a version 6 QR
//   code at error-correction level M (41x41 modules).
//
// decode_ticket_code() only parses; TicketVerifier::verify() parses and checks the
// signature against the public key of the key id. Neither says whether the ticket is still
// valid (cancelled, already checked in): that is the server's state, not the code's.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace admit::tickets {

inline constexpr std::uint8_t kTicketCodeVersion = 1;
inline constexpr std::size_t kTicketCodeLength = 131;

using PublicKey = std::array<unsigned char, 32>;
using SecretKey = std::array<unsigned char, 64>;  // libsodium's seed + public key form
using Signature = std::array<unsigned char, 64>;

struct TicketClaim {
  std::uint8_t version = kTicketCodeVersion;
  std::uint8_t key_id = 0;
  std::string ticket_id;  // "tkt_..."
  std::string event_id;   // "evt_..."
};

enum class CodeProblem {
  malformed,      // not a ticket code of a version this build reads
  unknown_key,    // well formed, but its key id is not (or no longer) trusted
  bad_signature,  // altered or forged
};
std::string_view to_string(CodeProblem p) noexcept;

struct DecodedCode {
  TicketClaim claim;
  Signature signature{};
  std::string signed_bytes;  // what the signature covers
};

// Parses a code without checking its signature; nullopt when malformed.
std::optional<DecodedCode> decode_ticket_code(std::string_view text);

// RFC 9285 base45; decode answers nullopt for text that is not valid base45.
std::string base45_encode(std::string_view bytes);
std::optional<std::string> base45_decode(std::string_view text);

// Packs "<prefix>_<16 base32 chars>" into 10 bytes and back; nullopt when the id is not of
// that form.
std::optional<std::array<unsigned char, 10>> pack_id(std::string_view id, std::string_view prefix);
std::string unpack_id(const unsigned char* bytes, std::string_view prefix);

// Signs codes with one key. Thread-safe (no mutable state).
class TicketSigner {
 public:
  TicketSigner(std::uint8_t key_id, const SecretKey& secret);
  std::uint8_t key_id() const noexcept { return key_id_; }
  const PublicKey& public_key() const noexcept { return public_key_; }
  // The code of a ticket; nullopt when an id is not of admit's form.
  std::optional<std::string> sign(std::string_view ticket_id, std::string_view event_id) const;

 private:
  std::uint8_t key_id_;
  SecretKey secret_;
  PublicKey public_key_{};
};

// Checks codes against trusted public keys, by key id. Not thread-safe while keys change;
// verify() alone may run on many threads.
class TicketVerifier {
 public:
  void trust(std::uint8_t key_id, const PublicKey& key) { keys_[key_id] = key; }
  void retire(std::uint8_t key_id) { keys_.erase(key_id); }
  const std::map<std::uint8_t, PublicKey>& keys() const noexcept { return keys_; }

  struct Outcome {
    std::optional<TicketClaim> claim;  // set when genuine
    CodeProblem problem = CodeProblem::malformed;
    bool ok() const noexcept { return claim.has_value(); }
  };
  Outcome verify(std::string_view text) const;

 private:
  std::map<std::uint8_t, PublicKey> keys_;
};

// A fresh Ed25519 key pair (secret in libsodium's 64-byte form).
SecretKey generate_secret_key();
PublicKey public_key_of(const SecretKey& secret);
// The 32-byte seed as hex and back (key files and configuration hold the seed).
std::string seed_hex(const SecretKey& secret);
std::optional<SecretKey> secret_from_seed_hex(std::string_view hex);
std::string key_hex(const PublicKey& key);
std::optional<PublicKey> public_key_from_hex(std::string_view hex);

}  // namespace admit::tickets
