#pragma once
// A counter of credential writes in this process, shared by the stores that change users
// or API tokens (SqlUserStore, SqlAccountStore) and read by SqlUserStore's short-lived
// bearer-token cache: a bump drops everything the cache holds, so a revocation or a
// disabled account counts at once in this process. Owned by whoever builds the stores
// (app/), next to the database they share. Thread-safe.
#include <atomic>
#include <cstdint>

namespace admit::sql {

class CredentialsEpoch {
 public:
  // Called after every write to users or API tokens (committed or rolled back).
  void bump() noexcept { epoch_.fetch_add(1, std::memory_order_acq_rel); }
  std::uint64_t current() const noexcept { return epoch_.load(std::memory_order_acquire); }

 private:
  std::atomic<std::uint64_t> epoch_{0};
};

}  // namespace admit::sql
