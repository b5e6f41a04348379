#include "storage/sql/sql_event_store.hpp"

#include "storage/sql/columns.hpp"
#include "storage/sql/values.hpp"

#include <algorithm>
#include <map>

#include "common/page_cursor.hpp"
#include "common/random.hpp"

namespace admit::sql {
namespace {

constexpr ColumnList kEventColumns{
    "id", "organizer_id", "title", "description", "category", "venue", "starts_at", "ends_at",
    "timezone", "currency", "capacity", "sold", "status", "max_per_user", "hold_minutes",
    "waitlist_offer_minutes", "cancel_cutoff_hours", "created_at", "updated_at", "published_at",
    "pay_at_door", "door_staff_can_undo"};

constexpr ColumnList kTicketTypeColumns{
    "id", "event_id", "name", "description", "price", "capacity", "sold", "sales_start",
    "sales_end", "max_per_order", "hidden", "position"};

Event event_from_row(const Row& r) {
  constexpr const auto& c = kEventColumns;
  Event e;
  e.id = r.text(c["id"]);
  e.organizer_id = r.text(c["organizer_id"]);
  e.title = r.text(c["title"]);
  e.description = r.text(c["description"]);
  e.category = r.text(c["category"]);
  e.venue = r.text(c["venue"]);
  e.starts_at = from_millis(r.i64(c["starts_at"]));
  e.ends_at = from_millis(r.i64(c["ends_at"]));
  e.timezone = r.text(c["timezone"]);
  e.currency = r.text(c["currency"]);
  e.capacity = r.i64(c["capacity"]);
  e.sold = r.i64(c["sold"]);
  e.status = parse_event_status(r.text(c["status"])).value_or(EventStatus::draft);
  e.max_per_user = r.opt_i64(c["max_per_user"]);
  e.hold_minutes = r.i64(c["hold_minutes"]);
  e.waitlist_offer_minutes = r.i64(c["waitlist_offer_minutes"]);
  e.cancel_cutoff_hours = r.opt_i64(c["cancel_cutoff_hours"]);
  e.created_at = from_millis(r.i64(c["created_at"]));
  e.updated_at = from_millis(r.i64(c["updated_at"]));
  e.published_at = opt_time(r, c["published_at"]);
  e.pay_at_door = r.i64(c["pay_at_door"]) != 0;
  e.door_staff_can_undo = r.i64(c["door_staff_can_undo"]) != 0;
  return e;
}

TicketType ticket_type_from_row(const Row& r) {
  constexpr const auto& c = kTicketTypeColumns;
  TicketType t;
  t.id = r.text(c["id"]);
  t.event_id = r.text(c["event_id"]);
  t.name = r.text(c["name"]);
  t.description = r.text(c["description"]);
  t.price = r.i64(c["price"]);
  t.capacity = r.i64(c["capacity"]);
  t.sold = r.i64(c["sold"]);
  t.sales_start = opt_time(r, c["sales_start"]);
  t.sales_end = opt_time(r, c["sales_end"]);
  t.max_per_order = r.opt_i64(c["max_per_order"]);
  t.hidden = r.i64(c["hidden"]) != 0;
  t.position = static_cast<int>(r.i64(c["position"]));
  return t;
}

std::string search_text(const Event& e) {
  std::string s = e.title + "\n" + e.description;
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

void insert_ticket_type(Connection& conn, const TicketType& t) {
  conn.execute(
      "INSERT INTO ticket_types (id, event_id, name, description, price, capacity, sold, "
      "sales_start, sales_end, max_per_order, hidden, position) "
      "VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)",
      {t.id, t.event_id, t.name, t.description, t.price, t.capacity, opt_ms(t.sales_start),
       opt_ms(t.sales_end), nullable(t.max_per_order), std::int64_t{t.hidden ? 1 : 0},
       std::int64_t{t.position}});
}

// Cursor: "<starts_at ms>.<id>" — the position of the last item of a page.
std::string make_cursor(const Event& e) { return make_page_cursor(to_millis(e.starts_at), e.id); }

}  // namespace

void load_ticket_types(Connection& conn, std::vector<Event>& events) {
  if (events.empty()) return;
  std::vector<Value> params;
  std::map<std::string, Event*> by_id;
  for (auto& e : events) {
    params.emplace_back(e.id);
    by_id[e.id] = &e;
    e.ticket_types.clear();
  }
  const std::string sql = kTicketTypeColumns.select() +
                          " FROM ticket_types WHERE event_id IN (" + placeholders(params.size()) +
                          ") ORDER BY event_id, position, id";
  for (const auto& row : conn.query(sql, params)) {
    TicketType t = ticket_type_from_row(row);
    by_id[t.event_id]->ticket_types.push_back(std::move(t));
  }
}

std::vector<Event> load_events(Connection& conn, const std::vector<std::string>& ids,
                               bool for_update) {
  std::vector<Event> events;
  if (ids.empty()) return events;
  std::string sql = kEventColumns.select() + " FROM events WHERE id IN (" +
                    placeholders(ids.size()) + ") ORDER BY id";
  const std::vector<Value> params(ids.begin(), ids.end());
  // PostgreSQL locks the rows as the sorted result is produced, so in id order. SQLite's
  // BEGIN IMMEDIATE already holds the database's only write lock.
  if (for_update && conn.dialect() == Dialect::postgres) sql += " FOR UPDATE";
  for (const auto& row : conn.query(sql, params)) events.push_back(event_from_row(row));
  load_ticket_types(conn, events);
  return events;
}

std::optional<Event> load_event(Connection& conn, const std::string& id) {
  auto rows = conn.query(kEventColumns.select() + " FROM events WHERE id = ?", {id});
  if (rows.empty()) return std::nullopt;
  std::vector<Event> events{event_from_row(rows[0])};
  load_ticket_types(conn, events);
  return std::move(events[0]);
}

Result<Event> SqlEventStore::create_event(const Event& e) {
  auto conn = db_.writer();
  in_transaction(*conn, [&](Connection& c) {
    c.execute(
        "INSERT INTO events (id, organizer_id, title, description, search_text, category, venue, "
        "starts_at, ends_at, timezone, currency, capacity, sold, status, max_per_user, "
        "hold_minutes, waitlist_offer_minutes, cancel_cutoff_hours, created_at, updated_at, "
        "published_at, pay_at_door, door_staff_can_undo) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {e.id, e.organizer_id, e.title, e.description, search_text(e), e.category, e.venue,
         to_millis(e.starts_at), to_millis(e.ends_at), e.timezone, e.currency, e.capacity,
         std::string(to_string(e.status)), nullable(e.max_per_user), e.hold_minutes,
         e.waitlist_offer_minutes, nullable(e.cancel_cutoff_hours), to_millis(e.created_at),
         to_millis(e.updated_at), opt_ms(e.published_at), std::int64_t{e.pay_at_door ? 1 : 0},
         std::int64_t{e.door_staff_can_undo ? 1 : 0}});
    for (const auto& t : e.ticket_types) insert_ticket_type(c, t);
  });
  return *load_event(*conn, e.id);
}

std::optional<Event> SqlEventStore::find_event(const std::string& id) {
  auto conn = db_.reader();
  return load_event(*conn, id);
}

Result<Event> SqlEventStore::update_event(const Event& e) {
  auto conn = db_.writer();
  return in_result_transaction(*conn, [&](Connection& c) -> Result<Event> {
    auto current = load_event(c, e.id);
    if (!current) return Error::not_found("event");
    if (e.capacity < current->sold)
      return Error::field("capacity", "cannot be less than the " + std::to_string(current->sold) +
                                          " tickets already sold");
    // Ticket types: keep, update, insert or delete.
    std::map<std::string, const TicketType*> existing;
    for (const auto& t : current->ticket_types) existing[t.id] = &t;
    FieldErrors errors;
    for (std::size_t i = 0; i < e.ticket_types.size(); ++i) {
      const auto& t = e.ticket_types[i];
      auto it = existing.find(t.id);
      if (it != existing.end() && t.capacity < it->second->sold)
        errors.add("ticket_types[" + std::to_string(i) + "].capacity",
                   "cannot be less than the " + std::to_string(it->second->sold) +
                       " tickets already sold");
    }
    for (const auto& [id, old] : existing) {
      bool kept = std::any_of(e.ticket_types.begin(), e.ticket_types.end(),
                              [&](const TicketType& t) { return t.id == id; });
      if (!kept && old->sold > 0)
        errors.add("ticket_types", "ticket type \"" + old->name +
                                       "\" has sales and cannot be removed");
    }
    if (!errors.empty()) return std::move(errors).to_error();
    c.execute(
        "UPDATE events SET title = ?, description = ?, search_text = ?, category = ?, venue = ?, "
        "starts_at = ?, ends_at = ?, timezone = ?, currency = ?, capacity = ?, max_per_user = ?, "
        "hold_minutes = ?, waitlist_offer_minutes = ?, cancel_cutoff_hours = ?, updated_at = ?, "
        "pay_at_door = ?, door_staff_can_undo = ? WHERE id = ?",
        {e.title, e.description, search_text(e), e.category, e.venue, to_millis(e.starts_at),
         to_millis(e.ends_at), e.timezone, e.currency, e.capacity, nullable(e.max_per_user),
         e.hold_minutes, e.waitlist_offer_minutes, nullable(e.cancel_cutoff_hours),
         to_millis(e.updated_at), std::int64_t{e.pay_at_door ? 1 : 0},
         std::int64_t{e.door_staff_can_undo ? 1 : 0}, e.id});
    for (const auto& [id, old] : existing) {
      bool kept = std::any_of(e.ticket_types.begin(), e.ticket_types.end(),
                              [&](const TicketType& t) { return t.id == id; });
      if (!kept) c.execute("DELETE FROM ticket_types WHERE id = ?", {id});
    }
    for (const auto& t : e.ticket_types) {
      if (existing.contains(t.id)) {
        c.execute(
            "UPDATE ticket_types SET name = ?, description = ?, price = ?, capacity = ?, "
            "sales_start = ?, sales_end = ?, max_per_order = ?, hidden = ?, position = ? "
            "WHERE id = ? AND event_id = ?",
            {t.name, t.description, t.price, t.capacity, opt_ms(t.sales_start),
             opt_ms(t.sales_end), nullable(t.max_per_order), std::int64_t{t.hidden ? 1 : 0},
             std::int64_t{t.position}, t.id, e.id});
      } else {
        insert_ticket_type(c, t);
      }
    }
    return *load_event(c, e.id);
  });
}

Result<Event> SqlEventStore::set_status(const std::string& id, EventStatus status, Timestamp at) {
  auto conn = db_.writer();
  return in_result_transaction(*conn, [&](Connection& c) -> Result<Event> {
    std::int64_t changed = 0;
    if (status == EventStatus::published) {
      changed = c.execute(
          "UPDATE events SET status = ?, updated_at = ?, published_at = COALESCE(published_at, ?) "
          "WHERE id = ?",
          {std::string(to_string(status)), to_millis(at), to_millis(at), id});
    } else {
      changed = c.execute("UPDATE events SET status = ?, updated_at = ? WHERE id = ?",
                          {std::string(to_string(status)), to_millis(at), id});
    }
    if (changed == 0) return Error::not_found("event");
    return *load_event(c, id);
  });
}

Result<EventPage> SqlEventStore::list_public(const EventQuery& q) {
  std::string sql = kEventColumns.select() +
                    " FROM events WHERE status = 'published' AND ends_at > ?";
  std::vector<Value> params{to_millis(q.now)};
  if (q.category) {
    sql += " AND category = ?";
    params.emplace_back(*q.category);
  }
  if (q.from) {
    sql += " AND ends_at >= ?";
    params.emplace_back(to_millis(*q.from));
  }
  if (q.to) {
    sql += " AND starts_at < ?";
    params.emplace_back(to_millis(*q.to));
  }
  if (q.q && !q.q->empty()) {
    sql += " AND search_text LIKE ? ESCAPE '\\'";
    std::string like = "%";
    like += escape_like(*q.q);
    like += "%";
    params.emplace_back(std::move(like));
  }
  if (q.cursor) {
    auto c = parse_page_cursor(*q.cursor);
    if (!c) return Error::field("cursor", "is not a cursor from a previous page");
    sql += " AND (starts_at > ? OR (starts_at = ? AND id > ?))";
    params.emplace_back(c->first);
    params.emplace_back(c->first);
    params.emplace_back(c->second);
  }
  int limit = std::clamp(q.limit, 1, 100);
  sql += " ORDER BY starts_at, id LIMIT ?";
  params.emplace_back(std::int64_t{limit + 1});

  auto conn = db_.reader();
  EventPage page;
  for (const auto& row : conn->query(sql, params)) page.items.push_back(event_from_row(row));
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.resize(limit);
    page.next_cursor = make_cursor(page.items.back());
  }
  load_ticket_types(*conn, page.items);
  return page;
}

std::vector<Event> SqlEventStore::list_by_organizer(const std::string& organizer_id) {
  auto conn = db_.reader();
  std::vector<Event> out;
  for (const auto& row :
       conn->query(kEventColumns.select() +
                       " FROM events WHERE organizer_id = ? ORDER BY starts_at, id",
                   {organizer_id}))
    out.push_back(event_from_row(row));
  load_ticket_types(*conn, out);
  return out;
}

}  // namespace admit::sql
