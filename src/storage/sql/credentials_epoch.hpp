#pragma once
// A counter of credential writes in this process, shared by the stores that change users,
// API tokens or sessions (SqlUserStore, SqlAccountStore), and the short-lived caches of
// their look-ups (bearer tokens, session cookies) that it guards: a bump drops everything
// the caches hold, so a revocation, a sign-out or a disabled account counts at once in this
// process. Owned by whoever builds the stores (app/), next to the database they share.
// Thread-safe.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace admit::sql {

class CredentialsEpoch {
 public:
  // Called after every write to users, API tokens or sessions (committed or rolled back).
  void bump() noexcept { epoch_.fetch_add(1, std::memory_order_acq_rel); }
  std::uint64_t current() const noexcept { return epoch_.load(std::memory_order_acquire); }

 private:
  std::atomic<std::uint64_t> epoch_{0};
};

// Look-ups of one kind of credential, by key (a token's or a session's hash), reused for
// `ttl`: an entry is served while the epoch it was read at is still current and its time is
// not up. A write through this process bumps the epoch and so drops every entry; a write
// elsewhere (another node, the command line) counts here within `ttl`. Thread-safe.
template <class Value>
class CredentialCache {
 public:
  static constexpr std::size_t kMaxEntries = 10000;  // past it the cache starts again

  CredentialCache(const CredentialsEpoch& epoch, std::chrono::milliseconds ttl) : epoch_(epoch), ttl_(ttl) {}

  // The cached value of `key`, else what read() finds (a database look-up; nothing found is
  // never kept). The epoch is taken before the read: a write that commits during the read
  // bumps it, so what the read saw is never served.
  template <class Read>
  std::optional<Value> find(const std::string& key, Read&& read) {
    const std::uint64_t read_epoch = epoch_.current();
    if (auto cached = get(key)) return cached;
    std::optional<Value> found = read();
    if (found) put(key, *found, read_epoch);
    return found;
  }

  // The cached value of `key` while it is good; nullopt means "read it".
  std::optional<Value> get(const std::string& key) {
    const auto now = std::chrono::steady_clock::now();
    const std::uint64_t current = epoch_.current();
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    if (it->second.epoch == current && now < it->second.expires) return it->second.value;
    entries_.erase(it);
    return std::nullopt;
  }

  // Applies `change` to the entry of `key`, if there is one (a write this process made to
  // that row alone, which needs no bump of the epoch).
  template <class F>
  void update(const std::string& key, F&& change) {
    std::lock_guard lock(mu_);
    if (auto it = entries_.find(key); it != entries_.end()) change(it->second.value);
  }

 private:
  // Keeps what a read made at `read_epoch` found.
  void put(const std::string& key, Value value, std::uint64_t read_epoch) {
    const auto expires = std::chrono::steady_clock::now() + ttl_;
    std::lock_guard lock(mu_);
    if (entries_.size() >= kMaxEntries) entries_.clear();
    entries_.insert_or_assign(key, Entry{std::move(value), read_epoch, expires});
  }

  struct Entry {
    Value value;
    std::uint64_t epoch = 0;
    std::chrono::steady_clock::time_point expires;
  };
  const CredentialsEpoch& epoch_;
  const std::chrono::milliseconds ttl_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace admit::sql
