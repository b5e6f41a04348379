#include "storage/sql/sql_checkin_store.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

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
    "LEFT JOIN ticket_types tt ON tt.id = t.ticket_type_id WHERE t.id";

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

TicketState state_of(const Row& row, const std::string& ticket_id) {
  constexpr const auto& c = kTicketStateColumns;
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

std::optional<TicketState> load_state(Connection& conn, const std::string& ticket_id) {
  auto rows = conn.query(kTicketStateColumns.select() + std::string(kTicketStateFrom) + " = ?", {ticket_id});
  if (rows.empty()) return std::nullopt;
  return state_of(rows[0], ticket_id);
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

// A batch is recorded set-based: a handful of statements whatever its size, with the
// answers a scan-by-scan run would give. The scans are split into rounds holding at most
// one scan per ticket (a ticket's k-th scan of the batch goes to round k); rounds run in
// order, and each costs one SELECT of its offline repeats (when it has offline scans),
// one UPDATE admitting all it can, and one SELECT of its tickets' states. The log rows of
// the whole batch are one INSERT at the end. Within a round no two scans meet, so a set
// statement decides each exactly as its own statement would have.

// Rows per statement at most: the INSERT binds 10 values a row, so 512 rows stay far
// below SQLite's 32,766 and PostgreSQL's 65,535 parameters. Larger batches (an offline
// sync of thousands) run in chunks.
constexpr std::size_t kChunkRows = 512;

// A statement's rows are padded with NULL rows (which match nothing) up to a power of
// two: each statement then has at most ten texts in the connections' statement caches.
std::size_t padded(std::size_t n) {
  std::size_t p = 1;
  while (p < n) p *= 2;
  return p;
}

// Calls fn(from, n) over [0, total) in chunks of at most kChunkRows.
template <class F>
void for_chunks(std::size_t total, F&& fn) {
  for (std::size_t from = 0; from < total; from += kChunkRows) fn(from, std::min(kChunkRows, total - from));
}

// "WITH v(names) AS (VALUES (row), (row), ...) " for n rows of `row` (typed placeholders:
// PostgreSQL infers no types for a VALUES list of parameters).
std::string values_cte(std::string_view names, std::string_view row, std::size_t n) {
  std::string out = "WITH v(";
  out.append(names).append(") AS (VALUES ");
  for (std::size_t i = 0; i < n; ++i) out.append(i == 0 ? "(" : ", (").append(row).append(")");
  return out + ") ";
}

void pad_params(std::vector<Value>& params, std::size_t rows, std::size_t per_row) {
  params.resize(rows * per_row, Value(nullptr));
}

// An offline scan's identity in the log: (ticket, device, device time).
using OfflineKey = std::tuple<std::string, std::string, std::int64_t>;
OfflineKey key_of(const Scan& s) { return {s.ticket_id, s.device, to_millis(s.scanned_at)}; }

class BatchRecorder {
 public:
  BatchRecorder(Connection& c, const std::vector<Scan>& scans, Timestamp now)
      : c_(c), scans_(scans), now_(now), out_(scans.size()), logged_(scans.size(), false) {}

  std::vector<ScanOutcome> run() {
    std::vector<std::vector<std::size_t>> rounds;
    std::unordered_map<std::string_view, std::size_t> seen;
    for (std::size_t i = 0; i < scans_.size(); ++i) {
      const Scan& s = scans_[i];
      if (s.preset) {  // only logged
        out_[i].result = *s.preset;
        logged_[i] = true;
        continue;
      }
      const std::size_t k = seen[s.ticket_id]++;
      if (rounds.size() <= k) rounds.resize(k + 1);
      rounds[k].push_back(i);
    }
    for (auto& round : rounds) {
      // Rows locked in ticket order: concurrent batches cannot wait on each other in a circle.
      std::sort(round.begin(), round.end(),
                [&](std::size_t a, std::size_t b) { return scans_[a].ticket_id < scans_[b].ticket_id; });
      run_round(round);
    }
    log_all();
    return std::move(out_);
  }

 private:
  void run_round(const std::vector<std::size_t>& round) {
    const std::set<std::size_t> repeats = find_repeats(round);
    std::vector<std::size_t> fresh;
    for (std::size_t i : round)
      if (!repeats.contains(i)) fresh.push_back(i);
    const std::set<std::string> admitted = admit_all(fresh);
    const std::map<std::string, TicketState> states = load_states(round);
    for (std::size_t i : round) {
      const Scan& s = scans_[i];
      auto it = states.find(s.ticket_id);
      settle(i, repeats.contains(i), admitted.contains(s.ticket_id), it == states.end() ? nullptr : &it->second);
    }
  }

  // The round's offline scans already in the log: recorded by an earlier sync (one SELECT)
  // or by an earlier round of this batch.
  std::set<std::size_t> find_repeats(const std::vector<std::size_t>& round) {
    std::set<std::size_t> repeats;
    std::vector<std::size_t> ask;
    for (std::size_t i : round) {
      if (!scans_[i].offline) continue;
      if (synced_.contains(key_of(scans_[i]))) repeats.insert(i);
      else ask.push_back(i);
    }
    for_chunks(ask.size(), [&](std::size_t from, std::size_t n) {
      const std::size_t rows = padded(n);
      std::vector<Value> params;
      std::unordered_map<std::string, std::size_t> by_ticket;
      for (std::size_t j = from; j < from + n; ++j) {
        const Scan& s = scans_[ask[j]];
        by_ticket.emplace(s.ticket_id, ask[j]);
        params.insert(params.end(), {s.ticket_id, s.device, to_millis(s.scanned_at)});
      }
      pad_params(params, rows, 3);
      const std::string sql =
          values_cte("v_ticket, v_device, v_at", "CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT)", rows) +
          "SELECT v.v_ticket FROM v JOIN checkins c ON c.ticket_id = v.v_ticket AND c.device = v.v_device "
          "AND c.scanned_at = v.v_at WHERE c.offline = 1";
      for (const auto& row : c_.query(sql, params)) repeats.insert(by_ticket.at(row.text(0)));
    });
    return repeats;
  }

  // The admitting update of every fresh scan of the round; returns the tickets admitted.
  // Online: only a valid ticket of a confirmed registration. Offline: also a ticket
  // admitted later than this scan (the earliest scan wins).
  std::set<std::string> admit_all(const std::vector<std::size_t>& fresh) {
    std::set<std::string> admitted;
    for_chunks(fresh.size(), [&](std::size_t from, std::size_t n) {
      const std::size_t rows = padded(n);
      std::vector<Value> params;
      for (std::size_t j = from; j < from + n; ++j) {
        const Scan& s = scans_[fresh[j]];
        params.insert(params.end(), {s.ticket_id, s.event_id, to_millis(s.scanned_at), s.gate, s.device,
                                     std::int64_t{s.offline ? 1 : 0}});
      }
      pad_params(params, rows, 6);
      const std::string sql =
          values_cte("v_id, v_event, v_at, v_gate, v_device, v_offline",
                     "CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS TEXT), "
                     "CAST(? AS TEXT), CAST(? AS INTEGER)",
                     rows) +
          "UPDATE tickets SET status = 'checked_in', checked_in_at = v.v_at, checked_in_gate = v.v_gate, "
          "checked_in_device = v.v_device FROM v WHERE tickets.id = v.v_id AND tickets.event_id = v.v_event "
          "AND ((tickets.status = 'valid' AND EXISTS (SELECT 1 FROM registrations r WHERE "
          "r.id = tickets.registration_id AND r.status = 'confirmed')) OR (v.v_offline = 1 AND "
          "tickets.status = 'checked_in' AND tickets.checked_in_at > v.v_at)) RETURNING tickets.id";
      for (const auto& row : c_.query(sql, params)) admitted.insert(row.text(0));
    });
    return admitted;
  }

  // The states of the round's tickets after its update, by ticket id.
  std::map<std::string, TicketState> load_states(const std::vector<std::size_t>& round) {
    std::map<std::string, TicketState> states;
    for_chunks(round.size(), [&](std::size_t from, std::size_t n) {
      const std::size_t rows = padded(n);
      std::vector<Value> params;
      for (std::size_t j = from; j < from + n; ++j) params.emplace_back(scans_[round[j]].ticket_id);
      pad_params(params, rows, 1);
      const std::string sql = kTicketStateColumns.select() + ", t.id" + std::string(kTicketStateFrom) +
                              " IN (" + placeholders(rows) + ")";
      for (const auto& row : c_.query(sql, params)) {
        std::string id = row.text(kTicketStateColumns.size());
        states.emplace(id, state_of(row, id));
      }
    });
    return states;
  }

  // A scan's answer from its round: the scan-by-scan rules.
  void settle(std::size_t i, bool repeat, bool admitted, const TicketState* state) {
    const Scan& s = scans_[i];
    ScanOutcome& out = out_[i];
    logged_[i] = !repeat;
    if (!repeat && s.offline) synced_.insert(key_of(s));
    if (!state) {  // a genuine code of a ticket this database does not have
      out.result = CheckinResult::invalid;
      return;
    }
    if (state->event_id != s.event_id) {
      out.result = CheckinResult::wrong_event;
      return;
    }
    const CheckinResult refused = refusal(*state, s.event_id);
    out = state->view;
    if (admitted) {
      out.result = CheckinResult::ok;
    } else if (repeat && out.ticket->status == "checked_in" && out.checked_in_at == s.scanned_at &&
               out.device == s.device) {
      out.result = CheckinResult::ok;  // this scan is (still) the admitting one
    } else {
      out.result = refused;
    }
  }

  // Every scan not already in the log, in batch order; an offline scan whose row is there
  // (a concurrent sync) is left out by the unique index.
  void log_all() {
    std::vector<std::size_t> rows_of;
    for (std::size_t i = 0; i < scans_.size(); ++i)
      if (logged_[i]) rows_of.push_back(i);
    for_chunks(rows_of.size(), [&](std::size_t from, std::size_t n) {
      const std::size_t rows = padded(n);
      std::vector<Value> params;
      for (std::size_t j = from; j < from + n; ++j) {
        const Scan& s = scans_[rows_of[j]];
        params.insert(params.end(), {new_id("chk"), s.event_id, s.ticket_id.empty() ? Value(nullptr) : Value(s.ticket_id),
                                     std::string(to_string(out_[rows_of[j]].result)), s.gate, s.device,
                                     to_millis(s.scanned_at), to_millis(now_), std::int64_t{s.offline ? 1 : 0},
                                     s.actor_id.empty() ? Value(nullptr) : Value(s.actor_id)});
      }
      pad_params(params, rows, 10);
      const std::string sql =
          values_cte("v_id, v_event, v_ticket, v_result, v_gate, v_device, v_scanned, v_recorded, v_offline, v_actor",
                     "CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), "
                     "CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS INTEGER), CAST(? AS TEXT)",
                     rows) +
          "INSERT INTO checkins (id, event_id, ticket_id, result, gate, device, scanned_at, recorded_at, offline, "
          "actor_id) SELECT v_id, v_event, v_ticket, v_result, v_gate, v_device, v_scanned, v_recorded, v_offline, "
          "v_actor FROM v WHERE v_id IS NOT NULL ON CONFLICT DO NOTHING";
      c_.execute(sql, params);
    });
  }

  Connection& c_;
  const std::vector<Scan>& scans_;
  Timestamp now_;
  std::vector<ScanOutcome> out_;
  std::vector<bool> logged_;    // whether the scan gets a log row
  std::set<OfflineKey> synced_;  // offline scans this batch logs
};

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
    return BatchRecorder(c, scans, now).run();
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
