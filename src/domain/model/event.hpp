#pragma once
// Events and their ticket types, as stored. Money is integer minor units in the event's
// ISO 4217 currency; times are UTC.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/time.hpp"

namespace admit {

enum class EventStatus { draft, published, cancelled };
std::string_view to_string(EventStatus s) noexcept;
std::optional<EventStatus> parse_event_status(std::string_view s) noexcept;

struct TicketType {
  std::string id;
  std::string event_id;
  std::string name;
  std::string description;
  std::int64_t price = 0;     // minor units; 0 = free
  std::int64_t capacity = 0;
  std::int64_t sold = 0;      // confirmed + held (pending_payment) tickets
  std::optional<Timestamp> sales_start;
  std::optional<Timestamp> sales_end;
  std::optional<std::int64_t> max_per_order;
  bool hidden = false;        // only shown with a promo code that unlocks it
  int position = 0;           // display order

  std::int64_t remaining() const noexcept { return capacity > sold ? capacity - sold : 0; }
};

struct Event {
  std::string id;
  std::string organizer_id;
  std::string title;
  std::string description;
  std::string category;
  std::string venue;
  Timestamp starts_at;
  Timestamp ends_at;
  std::string timezone;  // IANA, for display
  std::string currency;  // ISO 4217
  std::int64_t capacity = 0;
  std::int64_t sold = 0;
  EventStatus status = EventStatus::draft;
  // Registration settings (the registration engine reads them).
  std::optional<std::int64_t> max_per_user;      // tickets per attendee per event
  std::int64_t hold_minutes = 15;                // how long a pending payment holds seats
  bool pay_at_door = false;  // held registrations may be marked paid by the organizer (door, invoice)
  std::int64_t waitlist_offer_minutes = 60;      // how long a waiting-list offer holds seats
  std::optional<std::int64_t> cancel_cutoff_hours;  // attendee may cancel until this many hours before start
  // Check-in settings: whether the event's door tokens may undo a check-in (organizers
  // and administrators always may).
  bool door_staff_can_undo = false;
  Timestamp created_at;
  Timestamp updated_at;
  std::optional<Timestamp> published_at;
  std::vector<TicketType> ticket_types;

  std::int64_t remaining() const noexcept { return capacity > sold ? capacity - sold : 0; }
};

// The fixed list of categories (GET /api/v1/categories).
struct Category {
  std::string_view id;
  std::string_view label;
};
const std::vector<Category>& categories();
bool is_category(std::string_view id) noexcept;

}  // namespace admit
