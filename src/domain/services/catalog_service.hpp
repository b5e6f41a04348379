#pragma once
// CatalogService: the rules of creating, editing, publishing, cancelling and listing events.
// Ownership is checked here (another organizer's event is not_found), not in handlers.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "domain/model/actor.hpp"
#include "domain/model/event.hpp"
#include "domain/ports/event_store.hpp"
#include "domain/ports/rate_limiter.hpp"

namespace admit {

// A ticket type as submitted. A present id updates that type; no id creates one.
struct TicketTypeInput {
  std::optional<std::string> id;
  std::string name;
  std::string description;
  std::int64_t price = 0;
  std::int64_t capacity = 0;
  std::optional<Timestamp> sales_start;
  std::optional<Timestamp> sales_end;
  std::optional<std::int64_t> max_per_order;
  bool hidden = false;
};

// Event fields as submitted. For create, absent required fields are errors; for update
// (PATCH) absent fields keep their value. `clear_*` marks a nullable field sent as null.
struct EventInput {
  std::optional<std::string> title, description, category, venue, timezone, currency;
  std::optional<Timestamp> starts_at, ends_at;
  std::optional<std::int64_t> capacity;
  std::optional<std::int64_t> max_per_user;
  bool clear_max_per_user = false;
  std::optional<std::int64_t> hold_minutes;
  std::optional<bool> pay_at_door;
  std::optional<std::int64_t> waitlist_offer_minutes;
  std::optional<std::int64_t> cancel_cutoff_hours;
  bool clear_cancel_cutoff_hours = false;
  std::optional<bool> door_staff_can_undo;
  std::optional<std::vector<TicketTypeInput>> ticket_types;
};

// Bounds enforced on every event (also documented in api/openapi.yaml).
struct CatalogLimits {
  static constexpr std::size_t kTitleMax = 200;
  static constexpr std::size_t kDescriptionMax = 20000;
  static constexpr std::size_t kVenueMax = 300;
  static constexpr std::size_t kTicketNameMax = 100;
  static constexpr std::size_t kTicketTypesMax = 50;
  static constexpr std::int64_t kCapacityMax = 1'000'000;
  static constexpr std::int64_t kPriceMax = 100'000'000;  // 1,000,000.00 in major units
  static constexpr std::int64_t kPerOrderMax = 100;
  static constexpr std::int64_t kDefaultMaxPerUser = 10;  // when a new event does not say
};

class CatalogService {
 public:
  CatalogService(EventStore& store, const Clock& clock) : store_(store), clock_(clock) {}

  Result<Event> create(const Actor& actor, const EventInput& input);
  Result<Event> update(const Actor& actor, const std::string& event_id, const EventInput& input);
  Result<Event> publish(const Actor& actor, const std::string& event_id);
  Result<Event> cancel(const Actor& actor, const std::string& event_id);
  // Published and cancelled events for everyone; drafts only for their organizer (and admins).
  Result<Event> get(const std::optional<Actor>& actor, const std::string& event_id);
  // The event when the actor may manage it (owner or admin), else not_found.
  Result<Event> get_managed(const Actor& actor, const std::string& event_id);
  Result<EventPage> list_public(EventQuery query);
  Result<std::vector<Event>> list_own(const Actor& actor);

  // Counts event creations per organizer with `limiter` (rule.limit <= 0: no limit); over
  // the budget create() answers rate_limited (429, Retry-After).
  void limit_creation(RateLimiter& limiter, RateRule rule) {
    create_limiter_ = &limiter;
    create_rule_ = rule;
  }

  // Called after an event was cancelled (the registration engine cancels its registrations).
  void on_cancelled(std::function<void(const Event&)> hook) { cancelled_hook_ = std::move(hook); }
  // Called after an event was edited (capacity may have grown: sold-out flags are forgotten).
  void on_updated(std::function<void(const Event&)> hook) { updated_hook_ = std::move(hook); }
  // Called with the stored result of every edit, publish and cancel, after the hooks above
  // (the public snapshots replace the event's; http/event_snapshots.hpp).
  void on_changed(std::function<void(const Event&)> hook) { changed_hook_ = std::move(hook); }

 private:
  Status validate(const Event& event, const EventInput& input, bool creating) const;

  EventStore& store_;
  const Clock& clock_;
  RateLimiter* create_limiter_ = nullptr;
  RateRule create_rule_;
  std::function<void(const Event&)> cancelled_hook_;
  std::function<void(const Event&)> updated_hook_;
  std::function<void(const Event&)> changed_hook_;
};

}  // namespace admit
