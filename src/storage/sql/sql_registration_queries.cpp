// The reads of SqlRegistrationStore, on reader connections: one registration (by id or by
// idempotency key), a user's history, an event's registrations page by page (newest first,
// filtered by status or a search over buyer and attendees, keyset cursor), an event's
// figures, and the counter check of `admit doctor` (every counter against the rows it
// counts). None writes.
#include "storage/sql/sql_registration_detail.hpp"

#include <algorithm>
#include <map>

#include "common/page_cursor.hpp"
#include "storage/sql/columns.hpp"
#include "storage/sql/sql_event_store.hpp"
#include "storage/sql/values.hpp"

namespace admit::sql {

using namespace detail;

std::optional<Registration> SqlRegistrationStore::find_by_key(const std::string& user_id,
                                                              const std::string& key) {
  auto conn = db_.reader();
  return load_registration(*conn, "r.user_id = ? AND r.idempotency_key = ?", {user_id, key});
}

std::optional<Registration> SqlRegistrationStore::find(const std::string& id) {
  auto conn = db_.reader();
  return load_registration(*conn, "r.id = ?", {id});
}

std::vector<Registration> SqlRegistrationStore::list_for_user(const std::string& user_id,
                                                              HistoryScope scope, Timestamp now) {
  std::string sql = select_registrations() +
                    " JOIN events e ON e.id = r.event_id WHERE r.user_id = ?";
  std::vector<Value> params{user_id};
  if (scope == HistoryScope::upcoming) {
    sql += " AND e.ends_at > ?";
    params.emplace_back(to_millis(now));
  } else if (scope == HistoryScope::past) {
    sql += " AND e.ends_at <= ?";
    params.emplace_back(to_millis(now));
  }
  sql += " ORDER BY r.created_at DESC, r.id DESC LIMIT 500";
  auto conn = db_.reader();
  std::vector<Registration> out;
  for (const auto& row : conn->query(sql, params)) out.push_back(registration_from_row(row));
  load_details(*conn, out);
  return out;
}

Result<RegistrationPage> SqlRegistrationStore::list_for_event(const RegistrationQuery& q) {
  std::string sql = select_registrations() +
                    " WHERE r.event_id = ?";
  std::vector<Value> params{q.event_id};
  if (q.status) {
    sql += " AND r.status = ?";
    params.emplace_back(std::string(to_string(*q.status)));
  }
  if (q.q && !q.q->empty()) {
    std::string like = "%";
    like += escape_like(*q.q);
    like += "%";
    sql += " AND (LOWER(u.email) LIKE ? ESCAPE '\\' OR LOWER(u.name) LIKE ? ESCAPE '\\' OR EXISTS ("
           "SELECT 1 FROM tickets t WHERE t.registration_id = r.id AND "
           "(LOWER(t.attendee_name) LIKE ? ESCAPE '\\' OR LOWER(t.attendee_email) LIKE ? ESCAPE '\\')))";
    for (int i = 0; i < 4; ++i) params.emplace_back(like);
  }
  if (q.cursor) {
    auto c = parse_page_cursor(*q.cursor);
    if (!c) return Error::field("cursor", "is not a cursor from a previous page");
    sql += " AND (r.created_at < ? OR (r.created_at = ? AND r.id < ?))";
    params.emplace_back(c->first);
    params.emplace_back(c->first);
    params.emplace_back(c->second);
  }
  const int limit = std::clamp(q.limit, 1, 1000);
  sql += " ORDER BY r.created_at DESC, r.id DESC LIMIT ?";
  params.emplace_back(std::int64_t{limit + 1});
  auto conn = db_.reader();
  RegistrationPage page;
  for (const auto& row : conn->query(sql, params)) page.items.push_back(registration_from_row(row));
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.resize(static_cast<std::size_t>(limit));
    const auto& last = page.items.back();
    page.next_cursor = make_page_cursor(to_millis(last.created_at), last.id);
  }
  load_details(*conn, page.items);
  return page;
}

EventStats SqlRegistrationStore::stats(const std::string& event_id) {
  auto conn = db_.reader();
  EventStats s;
  auto event = load_event(*conn, event_id);
  if (!event) return s;
  s.capacity = event->capacity;
  s.sold = event->sold;
  std::map<std::string, TicketTypeStats> by_type;
  for (const auto& t : event->ticket_types) {
    TicketTypeStats ts;
    ts.ticket_type_id = t.id;
    ts.name = t.name;
    ts.capacity = t.capacity;
    ts.sold = t.sold;
    by_type[t.id] = ts;
  }
  constexpr ColumnList kRevenue{"i.ticket_type_id", "CAST(COALESCE(SUM(i.amount), 0) AS BIGINT) AS revenue"};
  for (const auto& row : conn->query(
           kRevenue.select() +
               " FROM registrations r JOIN registration_items i ON i.registration_id = r.id "
               "WHERE r.event_id = ? AND r.status = 'confirmed' GROUP BY i.ticket_type_id",
           {event_id})) {
    const std::int64_t revenue = row.i64(kRevenue["revenue"]);
    if (auto it = by_type.find(row.text(kRevenue["i.ticket_type_id"])); it != by_type.end())
      it->second.revenue = revenue;
    s.revenue += revenue;
  }
  constexpr ColumnList kCheckedIn{"ticket_type_id", "CAST(COUNT(*) AS BIGINT) AS checked_in"};
  for (const auto& row : conn->query(
           kCheckedIn.select() +
               " FROM tickets WHERE event_id = ? AND status = 'checked_in' GROUP BY ticket_type_id",
           {event_id})) {
    const std::int64_t checked_in = row.i64(kCheckedIn["checked_in"]);
    if (auto it = by_type.find(row.text(kCheckedIn["ticket_type_id"])); it != by_type.end())
      it->second.checked_in = checked_in;
    s.checked_in += checked_in;
  }
  for (const auto& t : event->ticket_types) s.by_ticket_type.push_back(by_type[t.id]);
  constexpr ColumnList kDay{
      "r.created_at / 86400000 AS day", "CAST(COALESCE(SUM(i.quantity), 0) AS BIGINT) AS tickets",
      "CAST(COALESCE(SUM(CASE WHEN r.status = 'confirmed' THEN i.amount ELSE 0 END), 0) AS BIGINT) AS revenue"};
  for (const auto& row : conn->query(
           kDay.select() +
               " FROM registrations r JOIN registration_items i ON i.registration_id = r.id "
               "WHERE r.event_id = ? AND r.status IN " + std::string(kLive) +
               " GROUP BY r.created_at / 86400000 ORDER BY 1",
           {event_id})) {
    DaySales d;
    d.date = format_date(from_millis(row.i64(kDay["day"]) * 86400000));
    d.tickets = row.i64(kDay["tickets"]);
    d.revenue = row.i64(kDay["revenue"]);
    s.sales_by_day.push_back(std::move(d));
  }
  return s;
}

std::vector<CounterMismatch> SqlRegistrationStore::check_counters() {
  auto conn = db_.reader();
  std::vector<CounterMismatch> out;
  // Each check's query names its columns id, stored and counted; they are read by name
  // through the outer SELECT.
  constexpr ColumnList kCounter{"id", "stored", "counted"};
  auto compare = [&](const char* what, const std::string& sql) {
    for (const auto& row : conn->query(kCounter.select() + " FROM (" + sql + ") c ORDER BY id")) {
      const std::int64_t stored = row.i64(kCounter["stored"]);
      const std::int64_t counted = row.i64(kCounter["counted"]);
      if (stored != counted) out.push_back({what, row.text(kCounter["id"]), stored, counted});
    }
  };
  const std::string live(kLive);
  compare("events.sold",
          "SELECT e.id AS id, e.sold AS stored, "
          "CAST((SELECT COALESCE(SUM(i.quantity), 0) FROM registrations r JOIN registration_items i "
          "ON i.registration_id = r.id WHERE r.event_id = e.id AND r.status IN " + live + ") + "
          "(SELECT COALESCE(SUM(w.offered_quantity), 0) FROM waitlist_entries w "
          "WHERE w.event_id = e.id AND w.status = 'offered') AS BIGINT) AS counted FROM events e");
  compare("ticket_types.sold",
          "SELECT t.id AS id, t.sold AS stored, "
          "CAST((SELECT COALESCE(SUM(i.quantity), 0) FROM registrations r JOIN registration_items i "
          "ON i.registration_id = r.id WHERE i.ticket_type_id = t.id AND r.status IN " + live + ") + "
          "(SELECT COALESCE(SUM(w.offered_quantity), 0) FROM waitlist_entries w "
          "WHERE w.offered_ticket_type_id = t.id AND w.status = 'offered') AS BIGINT) AS counted "
          "FROM ticket_types t");
  compare("promo_codes.uses",
          "SELECT p.id AS id, p.uses AS stored, (SELECT COUNT(*) FROM registrations r WHERE "
          "r.promo_code_id = p.id AND r.status IN " + live + ") AS counted FROM promo_codes p");
  compare("tickets",
          "SELECT r.id AS id, (SELECT CAST(COALESCE(SUM(i.quantity), 0) AS BIGINT) FROM registration_items i "
          "WHERE i.registration_id = r.id) AS stored, (SELECT COUNT(*) FROM tickets t WHERE "
          "t.registration_id = r.id AND t.status <> 'cancelled') AS counted FROM registrations r "
          "WHERE r.status IN " + live);
  return out;
}

}  // namespace admit::sql
