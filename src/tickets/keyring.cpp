#include "tickets/keyring.hpp"

#include <sys/stat.h>

#include <charconv>
#include <fstream>
#include <map>
#include <sstream>

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

namespace admit::tickets {
namespace {

namespace fs = std::filesystem;

std::string key_file_name(int id) { return "ticket-key-" + std::to_string(id) + ".seed"; }

// Active keys in the folder: id → seed hex.
Result<std::map<int, std::string>> read_folder(const fs::path& dir) {
  std::map<int, std::string> keys;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return keys;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("ticket-key-", 0) != 0 || entry.path().extension() != ".seed") continue;
    const std::string digits = name.substr(11, name.size() - 11 - 5);
    int id = 0;
    auto [p, e] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (e != std::errc{} || p != digits.data() + digits.size() || id < 1 || id > 255)
      return Error::field(entry.path().string(), "is not a ticket key file name (ticket-key-<1..255>.seed)");
    std::ifstream in(entry.path());
    std::string hex;
    in >> hex;
    if (!secret_from_seed_hex(hex)) return Error::field(entry.path().string(), "does not hold a 64-digit hex seed");
    keys[id] = hex;
  }
  if (ec) return Error::field(dir.string(), "cannot be read: " + ec.message());
  return keys;
}

Status write_key(const fs::path& dir, int id) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Error::field(dir.string(), "cannot be created: " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  const fs::path path = dir / key_file_name(id);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return Error::field(path.string(), "cannot be created (it may exist already)");
  const std::string text = seed_hex(generate_secret_key()) + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return Error::field(path.string(), "cannot be written");
  return {};
}

}  // namespace

std::optional<std::pair<std::uint8_t, std::string>> parse_key_spec(std::string_view spec) {
  auto colon = spec.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  int id = 0;
  auto [p, ec] = std::from_chars(spec.data(), spec.data() + colon, id);
  if (ec != std::errc{} || p != spec.data() + colon || id < 1 || id > 255) return std::nullopt;
  return std::make_pair(static_cast<std::uint8_t>(id), std::string(spec.substr(colon + 1)));
}

Result<std::shared_ptr<TicketKeyring>> TicketKeyring::open(const KeyringOptions& o) {
  auto ring = std::make_shared<TicketKeyring>();
  if (!o.signing_key.empty()) {
    auto spec = parse_key_spec(o.signing_key);
    auto secret = spec ? secret_from_seed_hex(spec->second) : std::nullopt;
    if (!secret) return Error::field("ticket_signing_key", "must be <id 1..255>:<64 hex digits of an Ed25519 seed>");
    ring->signer_.emplace(spec->first, *secret);
  } else {
    auto keys = read_folder(o.dir);
    if (!keys) return keys.error();
    if (keys->empty()) {
      if (auto ok = write_key(o.dir, 1); !ok) return ok.error();
      keys = read_folder(o.dir);
      if (!keys) return keys.error();
    }
    for (const auto& [id, hex] : *keys) {
      auto secret = secret_from_seed_hex(hex);
      ring->verifier_.trust(static_cast<std::uint8_t>(id), public_key_of(*secret));
      ring->signer_.emplace(static_cast<std::uint8_t>(id), *secret);  // the highest id wins
    }
  }
  ring->verifier_.trust(ring->signer_->key_id(), ring->signer_->public_key());
  std::stringstream list(o.trusted_public_keys);
  for (std::string item; std::getline(list, item, ',');) {
    if (item.empty()) continue;
    auto spec = parse_key_spec(item);
    auto key = spec ? public_key_from_hex(spec->second) : std::nullopt;
    if (!key) return Error::field("ticket_trusted_keys", "must be <id>:<64 hex digits>[,...]");
    ring->verifier_.trust(spec->first, *key);
  }
  return ring;
}

Result<LinkKey> load_or_create_link_key(const std::string& configured, const fs::path& dir) {
  if (sodium_init() < 0) return Error::internal("libsodium failed to initialise");
  LinkKey key{};
  auto from_hex = [&key](std::string_view hex) {
    std::size_t len = 0;
    return hex.size() == 64 &&
           sodium_hex2bin(key.data(), key.size(), hex.data(), hex.size(), nullptr, &len, nullptr) == 0 &&
           len == key.size();
  };
  if (!configured.empty()) {
    if (!from_hex(configured)) return Error::field("link_key", "must be 64 hex digits (32 bytes)");
    return key;
  }
  const fs::path path = dir / "link.key";
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    fs::create_directories(dir, ec);
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    randombytes_buf(key.data(), key.size());
    std::string hex(key.size() * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), key.data(), key.size());
    hex.back() = '\n';
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd >= 0) {
      const bool ok = ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size()) && ::fsync(fd) == 0;
      ::close(fd);
      if (!ok) return Error::field(path.string(), "cannot be written");
    }
    // Another process may have made it first (O_EXCL): read whichever file won.
  }
  std::ifstream in(path);
  std::string hex;
  in >> hex;
  if (!from_hex(hex)) return Error::field(path.string(), "does not hold 64 hex digits");
  return key;
}

Result<int> TicketKeyring::rotate(const fs::path& dir) {
  auto keys = read_folder(dir);
  if (!keys) return keys.error();
  int next = keys->empty() ? 1 : keys->rbegin()->first + 1;
  std::error_code ec;
  while (next <= 255 && fs::exists(dir / ("ticket-key-" + std::to_string(next) + ".retired"), ec)) ++next;
  if (next > 255) return Error::conflict("all 255 ticket key ids are used");
  if (auto ok = write_key(dir, next); !ok) return ok.error();
  return next;
}

}  // namespace admit::tickets
