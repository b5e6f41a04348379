#include "domain/services/catalog_service.hpp"

#include <set>

#include "common/random.hpp"
#include "domain/services/text.hpp"

namespace admit {
namespace {

bool may_manage(const Actor& actor, const Event& e) {
  return e.organizer_id == actor.user_id || actor.is_admin();
}

void check_range(FieldErrors& errors, const std::string& field, std::int64_t v, std::int64_t lo,
                 std::int64_t hi) {
  if (v < lo || v > hi)
    errors.add(field, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
}

// Applies submitted fields onto an event (new or existing).
void merge(Event& e, const EventInput& in) {
  if (in.title) e.title = trim(*in.title);
  if (in.description) e.description = *in.description;
  if (in.category) e.category = *in.category;
  if (in.venue) e.venue = trim(*in.venue);
  if (in.timezone) e.timezone = *in.timezone;
  if (in.currency) e.currency = *in.currency;
  if (in.starts_at) e.starts_at = *in.starts_at;
  if (in.ends_at) e.ends_at = *in.ends_at;
  if (in.capacity) e.capacity = *in.capacity;
  if (in.max_per_user) e.max_per_user = in.max_per_user;
  if (in.clear_max_per_user) e.max_per_user.reset();
  if (in.hold_minutes) e.hold_minutes = *in.hold_minutes;
  if (in.pay_at_door) e.pay_at_door = *in.pay_at_door;
  if (in.waitlist_offer_minutes) e.waitlist_offer_minutes = *in.waitlist_offer_minutes;
  if (in.cancel_cutoff_hours) e.cancel_cutoff_hours = in.cancel_cutoff_hours;
  if (in.clear_cancel_cutoff_hours) e.cancel_cutoff_hours.reset();
  if (in.door_staff_can_undo) e.door_staff_can_undo = *in.door_staff_can_undo;
  if (in.ticket_types) {
    std::vector<TicketType> types;
    int position = 0;
    for (const auto& t : *in.ticket_types) {
      TicketType tt;
      // Keep the stored sold count for an existing type (the store re-checks it).
      if (t.id) {
        for (const auto& old : e.ticket_types)
          if (old.id == *t.id) tt = old;
        tt.id = *t.id;
      } else {
        tt.id = new_id("tt");
      }
      tt.event_id = e.id;
      tt.name = trim(t.name);
      tt.description = t.description;
      tt.price = t.price;
      tt.capacity = t.capacity;
      tt.sales_start = t.sales_start;
      tt.sales_end = t.sales_end;
      tt.max_per_order = t.max_per_order;
      tt.hidden = t.hidden;
      tt.position = position++;
      types.push_back(std::move(tt));
    }
    e.ticket_types = std::move(types);
  }
}

}  // namespace

Status CatalogService::validate(const Event& e, const EventInput& in, bool creating) const {
  using L = CatalogLimits;
  FieldErrors errors;
  check_text(errors, "title", e.title, L::kTitleMax, true);
  check_text(errors, "description", e.description, L::kDescriptionMax, false, /*multiline=*/true);
  check_text(errors, "venue", e.venue, L::kVenueMax, true);
  if (e.category.empty()) errors.add("category", "is required");
  else if (!is_category(e.category))
    errors.add("category", "must be one of the categories from GET /api/v1/categories");
  if (e.timezone.empty()) errors.add("timezone", "is required");
  else if (!is_valid_timezone(e.timezone))
    errors.add("timezone", "must be an IANA time zone such as Europe/Berlin");
  if (e.currency.empty()) errors.add("currency", "is required");
  else if (!is_currency(e.currency))
    errors.add("currency", "must be an ISO 4217 code such as EUR or USD");
  // A new event must be given both times (1970-01-01T00:00:00Z is a time like any other,
  // not "missing"); an edited one keeps its stored times for what the PATCH leaves out.
  if (creating && !in.starts_at) errors.add("starts_at", "is required");
  if (creating && !in.ends_at) errors.add("ends_at", "is required");
  else if (e.ends_at <= e.starts_at) errors.add("ends_at", "must be after starts_at");
  else if (e.ends_at - e.starts_at > std::chrono::days(366))
    errors.add("ends_at", "must be within a year of starts_at");
  if (e.capacity < 1 || e.capacity > L::kCapacityMax)
    errors.add("capacity", "must be between 1 and " + std::to_string(L::kCapacityMax));
  if (e.max_per_user) check_range(errors, "max_per_user", *e.max_per_user, 1, L::kPerOrderMax);
  check_range(errors, "hold_minutes", e.hold_minutes, 1, 24 * 60);
  check_range(errors, "waitlist_offer_minutes", e.waitlist_offer_minutes, 5, 7 * 24 * 60);
  if (e.cancel_cutoff_hours)
    check_range(errors, "cancel_cutoff_hours", *e.cancel_cutoff_hours, 0, 24 * 365);

  if (e.ticket_types.empty()) errors.add("ticket_types", "must list at least one ticket type");
  if (e.ticket_types.size() > L::kTicketTypesMax)
    errors.add("ticket_types", "must list at most " + std::to_string(L::kTicketTypesMax));
  std::set<std::string> names;
  std::set<std::string> ids;
  std::set<std::string> known_ids;
  for (const auto& t : e.ticket_types) known_ids.insert(t.id);
  for (std::size_t i = 0; i < e.ticket_types.size(); ++i) {
    const auto& t = e.ticket_types[i];
    std::string p = "ticket_types[" + std::to_string(i) + "].";
    check_text(errors, p + "name", t.name, L::kTicketNameMax, true);
    check_text(errors, p + "description", t.description, 2000, false, /*multiline=*/true);
    if (!t.name.empty() && !names.insert(t.name).second)
      errors.add(p + "name", "is used by another ticket type of this event");
    if (!ids.insert(t.id).second) errors.add(p + "id", "appears twice");
    check_range(errors, p + "price", t.price, 0, L::kPriceMax);
    if (t.capacity < 0 || t.capacity > e.capacity)
      errors.add(p + "capacity", "must be between 0 and the event capacity (" +
                                     std::to_string(e.capacity) + ")");
    if (t.max_per_order) check_range(errors, p + "max_per_order", *t.max_per_order, 1, L::kPerOrderMax);
    if (t.sales_start && t.sales_end && *t.sales_end <= *t.sales_start)
      errors.add(p + "sales_end", "must be after sales_start");
    if (t.sales_end && *t.sales_end > e.ends_at)
      errors.add(p + "sales_end", "must not be after the event ends");
  }
  if (!errors.empty()) return std::move(errors).to_error();
  return {};
}

Result<Event> CatalogService::create(const Actor& actor, const EventInput& input) {
  if (!actor.has_role("organizer") && !actor.is_admin())
    return Error::forbidden("only organizers can create events");
  if (create_limiter_ && create_rule_.limit > 0) {
    if (auto retry = create_limiter_->hit("events:create:" + actor.user_id, create_rule_.limit,
                                          create_rule_.window, clock_.now())) {
      Error e = Error::rate_limited(*retry);
      e.detail = "Too many new events; try again in " + std::to_string(*retry) + " seconds.";
      return e;
    }
  }
  Event e;
  e.id = new_id("evt");
  e.organizer_id = actor.user_id;
  e.status = EventStatus::draft;
  e.created_at = e.updated_at = clock_.now();
  // A per-person cap unless the organizer sets another (or null: none), so one account
  // cannot take a whole event; see docs/security.md.
  e.max_per_user = CatalogLimits::kDefaultMaxPerUser;
  merge(e, input);
  if (input.ticket_types) {
    // On create every ticket type is new: an id given by the client is an error.
    for (std::size_t i = 0; i < input.ticket_types->size(); ++i)
      if ((*input.ticket_types)[i].id)
        return Error::field("ticket_types[" + std::to_string(i) + "].id",
                            "must not be given for a new event");
  }
  if (auto ok = validate(e, input, true); !ok) return std::move(ok).error();
  return store_.create_event(e);
}

Result<Event> CatalogService::update(const Actor& actor, const std::string& event_id,
                                     const EventInput& input) {
  auto current = get_managed(actor, event_id);
  if (!current) return current;
  Event e = std::move(current.value());
  if (e.status == EventStatus::cancelled) return Error::conflict("a cancelled event cannot be edited");
  if (input.ticket_types) {
    std::set<std::string> existing;
    for (const auto& t : e.ticket_types) existing.insert(t.id);
    for (std::size_t i = 0; i < input.ticket_types->size(); ++i) {
      const auto& id = (*input.ticket_types)[i].id;
      if (id && !existing.contains(*id))
        return Error::field("ticket_types[" + std::to_string(i) + "].id",
                            "is not a ticket type of this event");
    }
  }
  if (input.currency && *input.currency != e.currency && e.sold > 0)
    return Error::field("currency", "cannot change after tickets were sold");
  merge(e, input);
  e.updated_at = clock_.now();
  if (auto ok = validate(e, input, false); !ok) return std::move(ok).error();
  auto updated = store_.update_event(e);
  if (updated && updated_hook_) updated_hook_(*updated);
  if (updated && changed_hook_) changed_hook_(*updated);
  return updated;
}

Result<Event> CatalogService::publish(const Actor& actor, const std::string& event_id) {
  auto current = get_managed(actor, event_id);
  if (!current) return current;
  if (current->status == EventStatus::published) return current;
  if (current->status == EventStatus::cancelled)
    return Error::conflict("a cancelled event cannot be published");
  if (current->ends_at <= clock_.now())
    return Error::field("ends_at", "is in the past; an event that has ended cannot be published");
  auto published = store_.set_status(event_id, EventStatus::published, clock_.now());
  if (published && changed_hook_) changed_hook_(*published);
  return published;
}

Result<Event> CatalogService::cancel(const Actor& actor, const std::string& event_id) {
  auto current = get_managed(actor, event_id);
  if (!current) return current;
  if (current->status == EventStatus::cancelled) return current;
  auto result = store_.set_status(event_id, EventStatus::cancelled, clock_.now());
  if (result && cancelled_hook_) cancelled_hook_(*result);
  if (result && changed_hook_) changed_hook_(*result);
  return result;
}

Result<Event> CatalogService::get(const std::optional<Actor>& actor, const std::string& event_id) {
  auto e = store_.find_event(event_id);
  if (!e) return Error::not_found("event");
  if (e->status == EventStatus::draft && !(actor && may_manage(*actor, *e)))
    return Error::not_found("event");
  return std::move(*e);
}

Result<Event> CatalogService::get_managed(const Actor& actor, const std::string& event_id) {
  auto e = store_.find_event(event_id);
  if (!e || !may_manage(actor, *e)) return Error::not_found("event");
  return std::move(*e);
}

Result<EventPage> CatalogService::list_public(EventQuery query) {
  FieldErrors errors;
  if (query.category && !is_category(*query.category))
    errors.add("category", "must be one of the categories from GET /api/v1/categories");
  if (query.limit < 1 || query.limit > 100) errors.add("limit", "must be between 1 and 100");
  if (query.q && utf8_length(*query.q) > 200) errors.add("q", "must be at most 200 characters");
  if (query.from && query.to && *query.to <= *query.from) errors.add("to", "must be after from");
  if (!errors.empty()) return std::move(errors).to_error();
  query.now = clock_.now();
  return store_.list_public(query);
}

Result<std::vector<Event>> CatalogService::list_own(const Actor& actor) {
  if (!actor.has_role("organizer") && !actor.is_admin())
    return Error::forbidden("only organizers have events");
  return store_.list_by_organizer(actor.user_id);
}

}  // namespace admit
