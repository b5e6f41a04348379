#pragma once
// EventStore: events and their ticket types. Implemented once in SQL for SQLite and
// PostgreSQL (storage/sql/sql_event_store.cpp); the conformance suite checks both.
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "domain/model/event.hpp"

namespace admit {

struct EventQuery {
  std::optional<std::string> category;
  std::optional<Timestamp> from;   // events that end at or after `from`
  std::optional<Timestamp> to;     // events that start before `to`
  std::optional<std::string> q;    // case-insensitive substring of title or description
  int limit = 20;
  std::optional<std::string> cursor;  // opaque, from a previous page
  Timestamp now;                      // published and not ended at `now`
};

struct EventPage {
  std::vector<Event> items;
  std::optional<std::string> next_cursor;
};

class EventStore {
 public:
  virtual ~EventStore() = default;
  // Inserts the event and its ticket types (ids already assigned).
  virtual Result<Event> create_event(const Event& event) = 0;
  // The event with its ticket types in display order, or nullopt.
  virtual std::optional<Event> find_event(const std::string& id) = 0;
  // Replaces the editable fields and the ticket types: types present keep their id and
  // sold count, new ones are inserted, missing ones are deleted. Fails with conflict
  // when a deleted type has sales or a capacity would drop below what is sold.
  virtual Result<Event> update_event(const Event& event) = 0;
  virtual Result<Event> set_status(const std::string& id, EventStatus status, Timestamp at) = 0;
  // Published, not ended, soonest first (starts_at, id), filtered and paginated.
  // A malformed cursor is a bad_request naming `cursor`.
  virtual Result<EventPage> list_public(const EventQuery& query) = 0;
  // All the organizer's events, every status, soonest first.
  virtual std::vector<Event> list_by_organizer(const std::string& organizer_id) = 0;
};

}  // namespace admit
