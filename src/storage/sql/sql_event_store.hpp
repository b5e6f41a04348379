#pragma once
// EventStore over the shared SQL driver (both backends).
#include "domain/ports/event_store.hpp"
#include "storage/sql/database.hpp"

namespace admit::sql {

class SqlEventStore final : public EventStore {
 public:
  explicit SqlEventStore(Database& db) : db_(db) {}

  Result<Event> create_event(const Event& event) override;
  std::optional<Event> find_event(const std::string& id) override;
  Result<Event> update_event(const Event& event) override;
  Result<Event> set_status(const std::string& id, EventStatus status, Timestamp at) override;
  Result<EventPage> list_public(const EventQuery& query) override;
  std::vector<Event> list_by_organizer(const std::string& organizer_id) override;

 private:
  Database& db_;
};

// Shared by stores that read events (the registration store loads them too).
std::optional<Event> load_event(Connection& conn, const std::string& id);
// The events with these ids, in id order, with their ticket types; `for_update` locks their
// rows until commit on PostgreSQL, in id order.
std::vector<Event> load_events(Connection& conn, const std::vector<std::string>& ids,
                               bool for_update);
void load_ticket_types(Connection& conn, std::vector<Event>& events);

}  // namespace admit::sql
