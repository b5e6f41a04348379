#pragma once
// Registrations, their tickets, promo codes and waiting-list entries, as stored.
// Money is integer minor units in the event's currency; times are UTC.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.hpp"
#include "domain/model/checkin.hpp"

namespace admit {

enum class RegistrationStatus { confirmed, pending_payment, cancelled, expired, refunded };
std::string_view to_string(RegistrationStatus s) noexcept;
std::optional<RegistrationStatus> parse_registration_status(std::string_view s) noexcept;
// Why a registration may not be cancelled now: it holds no seats any more (cancelled,
// expired, refunded), or the event's cancellation cut-off has passed (attendees only).
enum class CancelRefusal { not_active, cutoff_passed };
std::string_view to_string(CancelRefusal r) noexcept;
// Confirmed and pending_payment registrations hold seats; the others do not.
inline bool holds_seats(RegistrationStatus s) noexcept {
  return s == RegistrationStatus::confirmed || s == RegistrationStatus::pending_payment;
}

enum class TicketStatus { valid, checked_in, cancelled };
std::string_view to_string(TicketStatus s) noexcept;
std::optional<TicketStatus> parse_ticket_status(std::string_view s) noexcept;

struct RegistrationItem {
  std::string ticket_type_id;
  std::int64_t quantity = 0;
  std::int64_t unit_price = 0;  // the ticket type's price when registering
  std::int64_t amount = 0;      // unit_price * quantity less this item's share of the discount
  // Read-only: the ticket type's name (hidden types too), so the buyer's and organizer's
  // views can show what was bought without the public event view listing hidden types.
  // Filled when pricing and when loading; empty when the type no longer exists.
  std::string ticket_type_name;
};

struct Ticket {
  std::string id;
  std::string registration_id;
  std::string event_id;
  std::string ticket_type_id;
  std::string attendee_name;
  std::string attendee_email;
  TicketStatus status = TicketStatus::valid;
  std::optional<std::string> qr;  // signed QR text (tickets/ticket_code.hpp), set when issued
  std::optional<Timestamp> checked_in_at;
};

struct Registration {
  std::string id;
  std::string event_id;
  std::string user_id;
  RegistrationStatus status = RegistrationStatus::confirmed;
  std::vector<RegistrationItem> items;
  std::int64_t total = 0;
  std::string currency;
  std::string idempotency_key;
  std::string request_hash;  // fingerprint of the request body, to refuse a reused key
  std::optional<std::string> promo_code_id;
  std::optional<Timestamp> expires_at;      // pending_payment holds
  std::optional<std::string> checkout_url;  // from the PaymentGateway (payments issue)
  std::optional<std::string> refund_status;  // null, "due" (paid, then cancelled), "refunded"
  Timestamp created_at;
  Timestamp updated_at;
  std::optional<Timestamp> cancelled_at;
  // Issuing (tickets issue): when its tickets got their codes and PDF, and when the mail
  // carrying them was queued (null: not (yet) queued, e.g. not confirmed).
  std::optional<Timestamp> tickets_issued_at;
  std::optional<Timestamp> tickets_mailed_at;
  std::vector<Ticket> tickets;
  // Read-only extras for organizer views (filled by list queries).
  std::string buyer_name;
  std::string buyer_email;
  // Read-only: what needs the organizer's attention about its payment (amount_mismatch,
  // disputed, late_no_seats, paid_twice, refund_failed); empty when nothing does.
  std::vector<std::string> payment_flags;
  // Read-only, for the person asking (RegistrationService fills it on the answers that read
  // registrations): whether they may cancel it now and, when not, why. Unset: not answered.
  std::optional<bool> can_cancel;
  std::optional<CancelRefusal> cancel_refusal;

  std::int64_t ticket_count() const noexcept {
    std::int64_t n = 0;
    for (const auto& i : items) n += i.quantity;
    return n;
  }
};

enum class DiscountKind { percent, fixed };
std::string_view to_string(DiscountKind k) noexcept;
std::optional<DiscountKind> parse_discount_kind(std::string_view s) noexcept;

struct PromoCode {
  std::string id;
  std::string event_id;
  std::string code;  // stored upper-case; matched case-insensitively
  DiscountKind kind = DiscountKind::percent;
  std::int64_t amount = 0;  // percent (0..100) or minor units off the order
  std::optional<std::string> ticket_type_id;  // scope: one ticket type, or the whole event
  bool unlocks_hidden = false;  // makes hidden ticket types in its scope available
  std::optional<std::int64_t> max_uses;
  std::int64_t uses = 0;  // live registrations that used it
  std::optional<Timestamp> valid_from;
  std::optional<Timestamp> valid_until;
  Timestamp created_at;
  Timestamp updated_at;

  bool applies_to(std::string_view type_id) const noexcept {
    return !ticket_type_id || *ticket_type_id == type_id;
  }
  // Whether it makes this (hidden) ticket type available: its own type, or every type of
  // the event when it has none.
  bool unlocks(std::string_view type_id) const noexcept {
    return unlocks_hidden && applies_to(type_id);
  }
};

enum class WaitlistStatus { waiting, offered, accepted, expired, cancelled };
std::string_view to_string(WaitlistStatus s) noexcept;
std::optional<WaitlistStatus> parse_waitlist_status(std::string_view s) noexcept;

// A place on an event's waiting list. An offer holds `offered_quantity` seats of
// `offered_ticket_type_id` (counted in the sold counters) until `offer_expires_at`.
struct WaitlistEntry {
  std::string id;
  std::string event_id;
  std::string user_id;
  std::optional<std::string> ticket_type_id;  // wanted type; null = any
  std::int64_t quantity = 1;
  WaitlistStatus status = WaitlistStatus::waiting;
  std::optional<std::string> offered_ticket_type_id;
  std::int64_t offered_quantity = 0;
  std::optional<Timestamp> offered_at;
  std::optional<Timestamp> offer_expires_at;
  Timestamp created_at;
  Timestamp updated_at;
  std::int64_t position = 0;  // 1-based place among waiting entries (0 when not waiting)
};

// Organizer statistics (GET /api/v1/events/{id}/stats).
struct TicketTypeStats {
  std::string ticket_type_id;
  std::string name;
  std::int64_t capacity = 0;
  std::int64_t sold = 0;
  std::int64_t revenue = 0;
  std::int64_t checked_in = 0;
};
struct DaySales {
  std::string date;  // YYYY-MM-DD (UTC)
  std::int64_t tickets = 0;
  std::int64_t revenue = 0;
};
struct EventStats {
  std::int64_t capacity = 0;
  std::int64_t sold = 0;
  std::int64_t revenue = 0;  // confirmed registrations' totals
  std::int64_t checked_in = 0;
  std::vector<TicketTypeStats> by_ticket_type;
  std::vector<DaySales> sales_by_day;
  std::vector<CheckinCount> checkins_by_hour;  // admitting check-ins per hour (CheckinService)
};

}  // namespace admit
