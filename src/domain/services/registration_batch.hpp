#pragma once
// Internal to the registration engine: the per event state one batch carries through its
// transaction, shared by registration_engine.cpp (queues, writers, answers, sold-out flags)
// and registration_batch.cpp (the steps of RegistrationEngine::process).
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "domain/ports/registration_store.hpp"
#include "domain/services/registration_engine.hpp"

namespace admit {

// What one batch learned about one event: the locked event and its counters as this
// transaction leaves them (for the sold-out flags after commit).
struct RegistrationEngine::BatchEvent {
  std::optional<LockedEvent> locked;
  std::int64_t event_sold = 0;
  std::map<std::string, std::int64_t, std::less<>> type_sold;
  // Taken by this batch, applied with one conditional update per counter.
  std::int64_t event_take = 0;
  std::map<std::string, std::int64_t> type_take;
  std::map<std::string, std::int64_t> promo_take;
};

namespace engine_detail {

inline Error sold_out_error() {
  Error e;
  e.code = ErrorCode::sold_out;
  e.detail = "Not enough seats are left for this order.";
  return e;
}

inline Error key_reused_error() {
  return Error::conflict(
      "This Idempotency-Key was already used for a different registration request.");
}

}  // namespace engine_detail
}  // namespace admit
