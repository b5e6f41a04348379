#include "storage/sql/sql_checkin_store.hpp"

#include <algorithm>

#include "common/random.hpp"
#include "storage/sql/columns.hpp"
#include "storage/sql/values.hpp"

namespace admit::sql {
namespace {

// How far back `?since=` looks before the version it was given: a transaction that took
// its time before committing may carry an older changed_at than rows already served.
constexpr std::int64_t kSinceOverlapMs = 10'000;

// The ticket, its registration's state and its admitting scan, as one row.
constexpr ColumnList kTicketStateColumns{
    "t.event_id", "t.status", "r.status", "t.attendee_name", "t.ticket_type_id",
    "COALESCE(tt.name, '')", "t.checked_in_at", "COALESCE(t.checked_in_gate, '')",
    "COALESCE(t.checked_in_device, '')"};
constexpr std::string_view kTicketStateFrom =
    " FROM tickets t JOIN registrations r ON r.id = t.registration_id "
    "LEFT JOIN ticket_types tt ON tt.id = t.ticket_type_id WHERE t.id = ?";

// A ticket of the offline bundle: its door state and when it last changed.
constexpr ColumnList kBundleColumns{
    "t.id", "t.status", "r.status", "t.attendee_name", "COALESCE(tt.name, '')", "t.checked_in_at",
    "COALESCE(t.changed_at, t.created_at)"};

// A scan of the log, with the attendee's name when the code verified.
constexpr ColumnList kLogColumns{"c.id", "c.ticket_id", "t.attendee_name", "c.result", "c.gate",
                                 "c.device", "c.scanned_at", "c.recorded_at", "c.offline"};

// valid | checked_in | cancelled | not_paid: what the door sees of a ticket.
std::string door_status(const std::string& ticket_status, const std::string& registration_status) {
  if (ticket_status == "cancelled") return "cancelled";
  if (ticket_status == "checked_in") return "checked_in";
  if (registration_status == "confirmed") return "valid";
  if (registration_status == "pending_payment") return "not_paid";
  return "cancelled";
}

struct TicketState {
  std::string event_id;
  ScanOutcome view;  // result not yet decided
};

std::optional<TicketState> load_state(Connection& conn, const std::string& ticket_id) {
  constexpr const auto& c = kTicketStateColumns;
  auto rows = conn.query(c.select() + std::string(kTicketStateFrom), {ticket_id});
  if (rows.empty()) return std::nullopt;
  const Row& row = rows[0];
  TicketState s;
  s.event_id = row.text(c["t.event_id"]);
  CheckinTicket t;
  t.id = ticket_id;
  t.status = door_status(row.text(c["t.status"]), row.text(c["r.status"]));
  t.attendee_name = row.text(c["t.attendee_name"]);
  t.ticket_type_id = row.text(c["t.ticket_type_id"]);
  t.ticket_type = row.text(c["COALESCE(tt.name, '')"]);
  s.view.ticket = std::move(t);
  if (s.view.ticket->status == "checked_in") {
    s.view.checked_in_at = opt_time(row, c["t.checked_in_at"]);
    s.view.gate = row.text(c["COALESCE(t.checked_in_gate, '')"]);
    s.view.device = row.text(c["COALESCE(t.checked_in_device, '')"]);
  }
  return s;
}

// Why a ticket was not admitted, from its state.
CheckinResult refusal(const TicketState& s, const std::string& event_id) {
  if (s.event_id != event_id) return CheckinResult::wrong_event;
  const std::string& st = s.view.ticket->status;
  if (st == "checked_in") return CheckinResult::already_checked_in;
  if (st == "not_paid") return CheckinResult::not_paid;
  return CheckinResult::cancelled;
}

void log_scan(Connection& c, const Scan& s, CheckinResult result, Timestamp now) {
  c.execute("INSERT INTO checkins (id, event_id, ticket_id, result, gate, device, scanned_at, "
            "recorded_at, offline, actor_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            {new_id("chk"), s.event_id, s.ticket_id.empty() ? Value(nullptr) : Value(s.ticket_id),
             std::string(to_string(result)), s.gate, s.device, to_millis(s.scanned_at), to_millis(now),
             std::int64_t{s.offline ? 1 : 0}, s.actor_id.empty() ? Value(nullptr) : Value(s.actor_id)});
}

// The admitting update. Online: only a valid ticket of a confirmed registration. Offline:
// also a ticket admitted later than this scan (the earliest scan wins).
bool admit(Connection& c, const Scan& s) {
  std::string sql =
      "UPDATE tickets SET status = 'checked_in', checked_in_at = ?, checked_in_gate = ?, "
      "checked_in_device = ? WHERE id = ? AND event_id = ? AND ((status = 'valid' AND EXISTS "
      "(SELECT 1 FROM registrations r WHERE r.id = tickets.registration_id AND r.status = 'confirmed'))";
  std::vector<Value> params{to_millis(s.scanned_at), s.gate, s.device, s.ticket_id, s.event_id};
  if (s.offline) {
    sql += " OR (status = 'checked_in' AND checked_in_at > ?)";
    params.emplace_back(to_millis(s.scanned_at));
  }
  sql += ")";
  return c.execute(sql, params) == 1;
}

bool already_synced(Connection& c, const Scan& s) {
  return !c.query("SELECT 1 FROM checkins WHERE ticket_id = ? AND device = ? AND scanned_at = ? "
                  "AND offline = 1",
                  {s.ticket_id, s.device, to_millis(s.scanned_at)})
              .empty();
}

ScanOutcome record_one(Connection& c, const Scan& s, Timestamp now) {
  ScanOutcome out;
  if (s.preset) {
    out.result = *s.preset;
    log_scan(c, s, out.result, now);
    return out;
  }
  const bool repeat = s.offline && already_synced(c, s);
  const bool admitted = !repeat && admit(c, s);
  auto state = load_state(c, s.ticket_id);
  if (!state) {  // a genuine code of a ticket this database does not have
    out.result = CheckinResult::invalid;
    if (!repeat) log_scan(c, s, out.result, now);
    return out;
  }
  if (state->event_id != s.event_id) {
    out.result = CheckinResult::wrong_event;
    if (!repeat) log_scan(c, s, out.result, now);
    return out;
  }
  const CheckinResult refused = refusal(*state, s.event_id);
  out = std::move(state->view);
  if (admitted) {
    out.result = CheckinResult::ok;
  } else if (repeat && out.ticket->status == "checked_in" && out.checked_in_at == s.scanned_at &&
             out.device == s.device) {
    out.result = CheckinResult::ok;  // this scan is (still) the admitting one
  } else {
    out.result = refused;
  }
  if (!repeat) log_scan(c, s, out.result, now);
  return out;
}

template <class F>
auto with_retries(Database& db, F&& fn) -> decltype(fn(std::declval<Connection&>())) {
  for (int attempt = 1;; ++attempt) {
    try {
      auto conn = db.writer();
      return in_transaction(*conn, fn);
    } catch (const DbError& e) {
      if (e.kind() != DbError::Kind::busy || attempt >= 5) throw;
    }
  }
}

}  // namespace

std::vector<ScanOutcome> SqlCheckinStore::record(const std::vector<Scan>& scans, Timestamp now) {
  if (scans.empty()) return {};
  return with_retries(db_, [&](Connection& c) {
    std::vector<ScanOutcome> out;
    out.reserve(scans.size());
    for (const auto& s : scans) out.push_back(record_one(c, s, now));
    return out;
  });
}

Result<ScanOutcome> SqlCheckinStore::undo(const std::string& event_id, const std::string& ticket_id,
                                          const std::string& actor_id, const std::string& gate,
                                          Timestamp now) {
  return with_retries(db_, [&](Connection& c) -> Result<ScanOutcome> {
    auto state = load_state(c, ticket_id);
    if (!state || state->event_id != event_id) return Error::not_found("ticket");
    if (c.execute("UPDATE tickets SET status = 'valid', checked_in_at = NULL, checked_in_gate = NULL, "
                  "checked_in_device = NULL WHERE id = ? AND event_id = ? AND status = 'checked_in'",
                  {ticket_id, event_id}) != 1)
      return Error::conflict("This ticket is not checked in.");
    Scan s;
    s.event_id = event_id;
    s.ticket_id = ticket_id;
    s.gate = gate;
    s.scanned_at = now;
    s.actor_id = actor_id;
    log_scan(c, s, CheckinResult::undone, now);
    auto after = load_state(c, ticket_id);
    ScanOutcome out = std::move(after->view);
    out.result = CheckinResult::undone;
    return out;
  });
}

CheckinBundle SqlCheckinStore::bundle(const std::string& event_id, std::optional<std::int64_t> since) {
  auto conn = db_.reader();
  CheckinBundle b;
  b.partial = since.has_value();
  constexpr const auto& c = kBundleColumns;
  std::string sql =
      c.select() + " FROM tickets t JOIN registrations r ON r.id = t.registration_id "
      "LEFT JOIN ticket_types tt ON tt.id = t.ticket_type_id WHERE t.event_id = ?";
  std::vector<Value> params{event_id};
  if (since) {
    sql += " AND COALESCE(t.changed_at, t.created_at) > ?";
    params.emplace_back(*since - kSinceOverlapMs);
  }
  sql += " ORDER BY t.id";
  b.version = since.value_or(0);
  for (const auto& row : conn->query(sql, params)) {
    BundleTicket t;
    t.id = row.text(c["t.id"]);
    t.status = door_status(row.text(c["t.status"]), row.text(c["r.status"]));
    t.attendee_name = row.text(c["t.attendee_name"]);
    t.ticket_type = row.text(c["COALESCE(tt.name, '')"]);
    t.checked_in_at = opt_time(row, c["t.checked_in_at"]);
    b.version = std::max(b.version, row.i64(c["COALESCE(t.changed_at, t.created_at)"]));
    if (t.status == "cancelled") b.revoked.push_back(t.id);
    b.tickets.push_back(std::move(t));
  }
  constexpr ColumnList kCounts{
      "CAST(COUNT(*) AS BIGINT) AS sold",
      "CAST(COALESCE(SUM(CASE WHEN status = 'checked_in' THEN 1 ELSE 0 END), 0) AS BIGINT) AS checked_in"};
  for (const auto& row : conn->query(
           kCounts.select() + " FROM tickets WHERE event_id = ? AND status <> 'cancelled'", {event_id})) {
    b.sold = row.i64(kCounts["sold"]);
    b.checked_in = row.i64(kCounts["checked_in"]);
  }
  return b;
}

Result<CheckinLogPage> SqlCheckinStore::log(const std::string& event_id, int limit,
                                            const std::optional<std::string>& cursor) {
  constexpr const auto& col = kLogColumns;
  std::string sql = col.select() +
                    " FROM checkins c LEFT JOIN tickets t ON t.id = c.ticket_id WHERE c.event_id = ?";
  std::vector<Value> params{event_id};
  if (cursor) {
    auto dot = cursor->find('.');
    std::int64_t at = 0;
    try {
      if (dot == std::string::npos) throw std::invalid_argument("cursor");
      at = std::stoll(cursor->substr(0, dot));
    } catch (const std::exception&) {
      return Error::field("cursor", "is not a cursor this list gave");
    }
    sql += " AND (c.recorded_at < ? OR (c.recorded_at = ? AND c.id < ?))";
    params.emplace_back(at);
    params.emplace_back(at);
    params.emplace_back(cursor->substr(dot + 1));
  }
  limit = std::clamp(limit, 1, 500);
  sql += " ORDER BY c.recorded_at DESC, c.id DESC LIMIT ?";
  params.emplace_back(std::int64_t{limit + 1});
  auto conn = db_.reader();
  CheckinLogPage page;
  for (const auto& row : conn->query(sql, params)) {
    CheckinLogEntry e;
    e.id = row.text(col["c.id"]);
    e.ticket_id = row.opt_text(col["c.ticket_id"]);
    e.attendee_name = row.opt_text(col["t.attendee_name"]);
    const std::string result = row.text(col["c.result"]);
    for (auto r : {CheckinResult::ok, CheckinResult::already_checked_in, CheckinResult::invalid,
                   CheckinResult::wrong_event, CheckinResult::cancelled, CheckinResult::not_paid,
                   CheckinResult::undone})
      if (to_string(r) == result) e.result = r;
    e.gate = row.text(col["c.gate"]);
    e.device = row.text(col["c.device"]);
    e.scanned_at = from_millis(row.i64(col["c.scanned_at"]));
    e.recorded_at = from_millis(row.i64(col["c.recorded_at"]));
    e.offline = row.i64(col["c.offline"]) != 0;
    page.items.push_back(std::move(e));
  }
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.resize(static_cast<std::size_t>(limit));
    const auto& last = page.items.back();
    page.next_cursor = std::to_string(to_millis(last.recorded_at)) + "." + last.id;
  }
  return page;
}

std::vector<CheckinCount> SqlCheckinStore::per_hour(const std::string& event_id) {
  auto conn = db_.reader();
  std::vector<CheckinCount> out;
  constexpr ColumnList kHour{"checked_in_at / 3600000 AS hour", "CAST(COUNT(*) AS BIGINT) AS scans"};
  for (const auto& row : conn->query(
           kHour.select() + " FROM tickets WHERE event_id = ? AND status = 'checked_in' "
                            "GROUP BY checked_in_at / 3600000 ORDER BY 1",
           {event_id}))
    out.push_back({format_rfc3339(from_millis(row.i64(kHour["hour"]) * 3600000)), row.i64(kHour["scans"])});
  return out;
}

}  // namespace admit::sql
