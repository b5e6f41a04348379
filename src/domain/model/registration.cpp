#include "domain/model/registration.hpp"

namespace admit {

std::string_view to_string(RegistrationStatus s) noexcept {
  switch (s) {
    case RegistrationStatus::confirmed: return "confirmed";
    case RegistrationStatus::pending_payment: return "pending_payment";
    case RegistrationStatus::cancelled: return "cancelled";
    case RegistrationStatus::expired: return "expired";
    case RegistrationStatus::refunded: return "refunded";
  }
  return "cancelled";
}

std::string_view to_string(CancelRefusal r) noexcept {
  switch (r) {
    case CancelRefusal::not_active: return "not_active";
    case CancelRefusal::cutoff_passed: return "cutoff_passed";
  }
  return "not_active";
}

std::optional<RegistrationStatus> parse_registration_status(std::string_view s) noexcept {
  for (auto v : {RegistrationStatus::confirmed, RegistrationStatus::pending_payment,
                 RegistrationStatus::cancelled, RegistrationStatus::expired,
                 RegistrationStatus::refunded})
    if (to_string(v) == s) return v;
  return std::nullopt;
}

std::string_view to_string(TicketStatus s) noexcept {
  switch (s) {
    case TicketStatus::valid: return "valid";
    case TicketStatus::checked_in: return "checked_in";
    case TicketStatus::cancelled: return "cancelled";
  }
  return "cancelled";
}

std::optional<TicketStatus> parse_ticket_status(std::string_view s) noexcept {
  for (auto v : {TicketStatus::valid, TicketStatus::checked_in, TicketStatus::cancelled})
    if (to_string(v) == s) return v;
  return std::nullopt;
}

std::string_view to_string(DiscountKind k) noexcept {
  return k == DiscountKind::percent ? "percent" : "fixed";
}

std::optional<DiscountKind> parse_discount_kind(std::string_view s) noexcept {
  if (s == "percent") return DiscountKind::percent;
  if (s == "fixed") return DiscountKind::fixed;
  return std::nullopt;
}

std::string_view to_string(WaitlistStatus s) noexcept {
  switch (s) {
    case WaitlistStatus::waiting: return "waiting";
    case WaitlistStatus::offered: return "offered";
    case WaitlistStatus::accepted: return "accepted";
    case WaitlistStatus::expired: return "expired";
    case WaitlistStatus::cancelled: return "cancelled";
  }
  return "cancelled";
}

std::optional<WaitlistStatus> parse_waitlist_status(std::string_view s) noexcept {
  for (auto v : {WaitlistStatus::waiting, WaitlistStatus::offered, WaitlistStatus::accepted,
                 WaitlistStatus::expired, WaitlistStatus::cancelled})
    if (to_string(v) == s) return v;
  return std::nullopt;
}

}  // namespace admit
