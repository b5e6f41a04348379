#include "domain/model/checkin.hpp"

namespace admit {

std::string_view to_string(CheckinResult r) noexcept {
  switch (r) {
    case CheckinResult::ok: return "ok";
    case CheckinResult::already_checked_in: return "already_checked_in";
    case CheckinResult::invalid: return "invalid";
    case CheckinResult::wrong_event: return "wrong_event";
    case CheckinResult::cancelled: return "cancelled";
    case CheckinResult::not_paid: return "not_paid";
    case CheckinResult::undone: return "undone";
  }
  return "invalid";
}

}  // namespace admit
