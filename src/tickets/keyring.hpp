#pragma once
// The ticket signing keys. Each key has an id (1..255) that travels in every code it
// signs (ticket_code.hpp). The newest key signs; every key not retired verifies, so codes
// printed before a rotation keep working until their key is retired.
//
// Keys live in files in a folder (by default <data_dir>/keys), one per key:
// ticket-key-<id>.seed holds the 32-byte Ed25519 seed in hex, mode 0600. The first start
// makes key 1. `admit tickets rotate-key` adds the next id; renaming a file to
// ticket-key-<id>.retired stops its codes from verifying. Alternatively the configuration
// gives the signing key ("<id>:<hex seed>", e.g. the same on every node) and more
// public keys to trust ("<id>:<hex public key>,..."); then the folder is not used.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "common/signed_link.hpp"
#include "tickets/ticket_code.hpp"

namespace admit::tickets {

struct KeyringOptions {
  std::filesystem::path dir;        // key files
  std::string signing_key;          // "<id>:<hex seed>", empty: use the folder
  std::string trusted_public_keys;  // "<id>:<hex public key>[,...]"
};

class TicketKeyring {
 public:
  // Loads the keys; with none in the folder, creates key 1 there (0600).
  static Result<std::shared_ptr<TicketKeyring>> open(const KeyringOptions& options);
  // Adds a key with the next free id to the folder and answers its id.
  static Result<int> rotate(const std::filesystem::path& dir);

  const TicketSigner& signer() const noexcept { return *signer_; }
  const TicketVerifier& verifier() const noexcept { return verifier_; }

 private:
  std::optional<TicketSigner> signer_;
  TicketVerifier verifier_;
};

// The download-link HMAC key: `configured` (64 hex digits) when set, else the one in
// <dir>/link.key, made there (0600) at first use.
Result<LinkKey> load_or_create_link_key(const std::string& configured, const std::filesystem::path& dir);

// Reads "<id>:<hex>" (id 1..255); nullopt when malformed.
std::optional<std::pair<std::uint8_t, std::string>> parse_key_spec(std::string_view spec);

}  // namespace admit::tickets
