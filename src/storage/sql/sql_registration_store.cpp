#include "storage/sql/sql_registration_store.hpp"

#include "storage/sql/values.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "storage/sql/outbox.hpp"
#include "storage/sql/sql_event_store.hpp"

namespace admit::sql {
namespace {

constexpr std::string_view kRegColumns =
    "r.id, r.event_id, r.user_id, r.status, r.total, r.currency, r.idempotency_key, "
    "r.request_hash, r.promo_code_id, r.expires_at, r.checkout_url, r.refund_status, "
    "r.created_at, r.updated_at, r.cancelled_at, u.name, u.email, r.tickets_issued_at, "
    "r.tickets_mailed_at, (SELECT p.flag FROM payments p WHERE p.registration_id = r.id), "
    "(SELECT p.refund_error FROM payments p WHERE p.registration_id = r.id)";
constexpr std::string_view kRegFrom = " FROM registrations r JOIN users u ON u.id = r.user_id";

constexpr std::string_view kPromoColumns =
    "id, event_id, code, kind, amount, ticket_type_id, unlocks_hidden, max_uses, uses, "
    "valid_from, valid_until, created_at, updated_at";

constexpr std::string_view kWaitColumns =
    "id, event_id, user_id, ticket_type_id, quantity, status, offered_ticket_type_id, "
    "offered_quantity, offered_at, offer_expires_at, created_at, updated_at";

constexpr std::string_view kLive = "('confirmed', 'pending_payment')";

Registration registration_from_row(const Row& r) {
  Registration g;
  g.id = r.text(0);
  g.event_id = r.text(1);
  g.user_id = r.text(2);
  g.status = parse_registration_status(r.text(3)).value_or(RegistrationStatus::cancelled);
  g.total = r.i64(4);
  g.currency = r.text(5);
  g.idempotency_key = r.text(6);
  g.request_hash = r.text(7);
  g.promo_code_id = r.opt_text(8);
  g.expires_at = opt_time(r, 9);
  g.checkout_url = r.opt_text(10);
  g.refund_status = r.opt_text(11);
  g.created_at = from_millis(r.i64(12));
  g.updated_at = from_millis(r.i64(13));
  g.cancelled_at = opt_time(r, 14);
  g.buyer_name = r.opt_text(15).value_or("");
  g.buyer_email = r.opt_text(16).value_or("");
  g.tickets_issued_at = opt_time(r, 17);
  g.tickets_mailed_at = opt_time(r, 18);
  if (auto flag = r.opt_text(19)) g.payment_flags.push_back(std::move(*flag));
  if (r.opt_text(20)) g.payment_flags.emplace_back("refund_failed");
  return g;
}

PromoCode promo_from_row(const Row& r) {
  PromoCode p;
  p.id = r.text(0);
  p.event_id = r.text(1);
  p.code = r.text(2);
  p.kind = parse_discount_kind(r.text(3)).value_or(DiscountKind::percent);
  p.amount = r.i64(4);
  p.ticket_type_id = r.opt_text(5);
  p.unlocks_hidden = r.i64(6) != 0;
  p.max_uses = r.opt_i64(7);
  p.uses = r.i64(8);
  p.valid_from = opt_time(r, 9);
  p.valid_until = opt_time(r, 10);
  p.created_at = from_millis(r.i64(11));
  p.updated_at = from_millis(r.i64(12));
  return p;
}

WaitlistEntry wait_from_row(const Row& r) {
  WaitlistEntry w;
  w.id = r.text(0);
  w.event_id = r.text(1);
  w.user_id = r.text(2);
  w.ticket_type_id = r.opt_text(3);
  w.quantity = r.i64(4);
  w.status = parse_waitlist_status(r.text(5)).value_or(WaitlistStatus::cancelled);
  w.offered_ticket_type_id = r.opt_text(6);
  w.offered_quantity = r.i64(7);
  w.offered_at = opt_time(r, 8);
  w.offer_expires_at = opt_time(r, 9);
  w.created_at = from_millis(r.i64(10));
  w.updated_at = from_millis(r.i64(11));
  return w;
}

// Loads items and tickets of the given registrations (in chunks of ids).
void load_details(Connection& conn, std::vector<Registration>& regs) {
  if (regs.empty()) return;
  std::map<std::string, Registration*> by_id;
  for (auto& r : regs) {
    r.items.clear();
    r.tickets.clear();
    by_id[r.id] = &r;
  }
  constexpr std::size_t kChunk = 200;
  for (std::size_t start = 0; start < regs.size(); start += kChunk) {
    const std::size_t end = std::min(regs.size(), start + kChunk);
    const std::string in = placeholders(end - start);
    std::vector<Value> params;
    for (std::size_t i = start; i < end; ++i) params.emplace_back(regs[i].id);
    for (const auto& row : conn.query(
             "SELECT i.registration_id, i.ticket_type_id, i.quantity, i.unit_price, i.amount, t.name "
             "FROM registration_items i LEFT JOIN ticket_types t ON t.id = i.ticket_type_id "
             "WHERE i.registration_id IN (" + in + ") ORDER BY i.registration_id, i.position",
             params)) {
      RegistrationItem item{row.text(1), row.i64(2), row.i64(3), row.i64(4),
                            row.opt_text(5).value_or("")};
      by_id[row.text(0)]->items.push_back(std::move(item));
    }
    for (const auto& row : conn.query(
             "SELECT id, registration_id, event_id, ticket_type_id, attendee_name, attendee_email, "
             "status, qr, checked_in_at FROM tickets WHERE registration_id IN (" + in +
                 ") ORDER BY registration_id, position",
             params)) {
      Ticket t;
      t.id = row.text(0);
      t.registration_id = row.text(1);
      t.event_id = row.text(2);
      t.ticket_type_id = row.text(3);
      t.attendee_name = row.text(4);
      t.attendee_email = row.text(5);
      t.status = parse_ticket_status(row.text(6)).value_or(TicketStatus::cancelled);
      t.qr = row.opt_text(7);
      t.checked_in_at = opt_time(row, 8);
      by_id[t.registration_id]->tickets.push_back(std::move(t));
    }
  }
}

std::optional<Registration> load_registration(Connection& conn, std::string_view where,
                                              const std::vector<Value>& params) {
  auto rows = conn.query("SELECT " + std::string(kRegColumns) + std::string(kRegFrom) + " WHERE " +
                             std::string(where),
                         params);
  if (rows.empty()) return std::nullopt;
  std::vector<Registration> regs{registration_from_row(rows[0])};
  load_details(conn, regs);
  return std::move(regs[0]);
}

// Locks the event row until the transaction ends. SQLite's BEGIN IMMEDIATE already holds
// the only write lock; PostgreSQL takes the row lock (always before any ticket type's)
// with SELECT ... FOR UPDATE, which, unlike a no-op UPDATE, leaves no dead row version.
void lock_event_row(Connection& conn, const std::string& event_id) {
  if (conn.dialect() == Dialect::postgres)
    conn.query("SELECT id FROM events WHERE id = ? FOR UPDATE", {event_id});
}

std::string user_email(Connection& conn, const std::string& user_id) {
  auto rows = conn.query("SELECT email FROM users WHERE id = ?", {user_id});
  return rows.empty() ? std::string() : rows[0].text(0);
}

void queue_mail(Connection& conn, const MailNotice& n, Timestamp now) {
  if (n.to.empty()) return;  // a deleted account has no address left
  OutboxMail mail;
  mail.to = n.to;
  mail.subject = n.subject;
  mail.text = n.text;
  mail.cause_key = n.cause_key;
  enqueue_mail(conn, mail, now);
}

void return_seats(Connection& conn, const std::string& event_id, const std::string& type_id,
                  std::int64_t n) {
  conn.execute("UPDATE ticket_types SET sold = sold - ? WHERE id = ?", {n, type_id});
  conn.execute("UPDATE events SET sold = sold - ? WHERE id = ?", {n, event_id});
}

bool take_seats(Connection& conn, const std::string& event_id, const std::string& type_id,
                std::int64_t n) {
  if (conn.execute("UPDATE ticket_types SET sold = sold + ? WHERE id = ? AND sold + ? <= capacity",
                   {n, type_id, n}) != 1)
    return false;
  if (conn.execute("UPDATE events SET sold = sold + ? WHERE id = ? AND sold + ? <= capacity",
                   {n, event_id, n}) != 1) {
    conn.execute("UPDATE ticket_types SET sold = sold - ? WHERE id = ?", {n, type_id});
    return false;
  }
  return true;
}

// Gives free seats of a (locked) event to the waiting list, first come first served.
// Returns the number of offers made.
int offer_to_waitlist(Connection& conn, const std::string& event_id, Timestamp now,
                      const RegistrationNotices& notices) {
  auto event = load_event(conn, event_id);
  if (!event || event->status != EventStatus::published || event->ends_at <= now) return 0;
  std::int64_t event_left = event->capacity - event->sold;
  if (event_left <= 0) return 0;
  auto rows = conn.query("SELECT " + std::string(kWaitColumns) +
                             " FROM waitlist_entries WHERE event_id = ? AND status = 'waiting' "
                             "ORDER BY seq LIMIT 200",  // arrival order (migration 0004)
                         {event_id});
  int offers = 0;
  for (const auto& row : rows) {
    if (event_left <= 0) break;
    WaitlistEntry w = wait_from_row(row);
    if (w.quantity > event_left) continue;
    TicketType* chosen = nullptr;
    for (auto& t : event->ticket_types) {
      const bool wanted = w.ticket_type_id ? t.id == *w.ticket_type_id : !t.hidden;
      const bool on_sale = !t.sales_end || now < *t.sales_end;
      if (wanted && on_sale && t.capacity - t.sold >= w.quantity) {
        chosen = &t;
        break;
      }
    }
    if (!chosen) continue;
    if (!take_seats(conn, event_id, chosen->id, w.quantity)) continue;
    const Timestamp expires = now + std::chrono::minutes(event->waitlist_offer_minutes);
    if (conn.execute("UPDATE waitlist_entries SET status = 'offered', offered_ticket_type_id = ?, "
                     "offered_quantity = ?, offered_at = ?, offer_expires_at = ?, updated_at = ? "
                     "WHERE id = ? AND status = 'waiting'",
                     {chosen->id, w.quantity, to_millis(now), to_millis(expires), to_millis(now),
                      w.id}) != 1) {
      return_seats(conn, event_id, chosen->id, w.quantity);
      continue;
    }
    chosen->sold += w.quantity;
    event_left -= w.quantity;
    w.status = WaitlistStatus::offered;
    w.offered_ticket_type_id = chosen->id;
    w.offered_quantity = w.quantity;
    w.offered_at = now;
    w.offer_expires_at = expires;
    queue_mail(conn, notices.waitlist_offer(*event, w, user_email(conn, w.user_id)), now);
    ++offers;
  }
  return offers;
}

// Ends a live registration inside the caller's transaction (event row already locked):
// status, tickets, counters, promo use. False when it was not live.
bool end_registration(Connection& conn, const Registration& r, RegistrationStatus status,
                      const std::string& by, Timestamp now) {
  const std::int64_t changed = conn.execute(
      "UPDATE registrations SET status = ?, updated_at = ?, cancelled_at = ?, cancelled_by = ?, "
      "refund_status = CASE WHEN status = 'confirmed' AND total > 0 THEN 'due' ELSE refund_status END "
      "WHERE id = ? AND status IN " + std::string(kLive),
      {std::string(to_string(status)), to_millis(now),
       status == RegistrationStatus::cancelled ? Value(to_millis(now)) : Value(nullptr),
       by.empty() ? Value(nullptr) : Value(by), r.id});
  if (changed != 1) return false;
  conn.execute("UPDATE tickets SET status = 'cancelled' WHERE registration_id = ? AND status <> 'cancelled'",
               {r.id});
  for (const auto& item : r.items) return_seats(conn, r.event_id, item.ticket_type_id, item.quantity);
  if (r.promo_code_id)
    conn.execute("UPDATE promo_codes SET uses = uses - 1 WHERE id = ?", {*r.promo_code_id});
  return true;
}

bool is_retryable(const DbError& e) { return e.kind() == DbError::Kind::busy; }

// ---- the engine's writer ---------------------------------------------------------------

class SqlRegistrationWriter final : public RegistrationWriter {
 public:
  explicit SqlRegistrationWriter(Connection& conn) : c_(conn) {}

  std::map<std::string, LockedEvent, std::less<>> lock_events(
      const std::vector<std::string>& event_ids) override {
    std::map<std::string, LockedEvent, std::less<>> out;
    if (event_ids.empty()) return out;
    std::vector<Event> events = load_events(c_, event_ids, /*for_update=*/true);
    std::set<std::string, std::less<>> offered;
    if (!events.empty()) {
      std::vector<Value> params;
      for (const auto& e : events) params.emplace_back(e.id);
      for (const auto& row :
           c_.query("SELECT DISTINCT event_id FROM waitlist_entries WHERE status = 'offered' "
                    "AND event_id IN (" + placeholders(params.size()) + ")",
                    params))
        offered.insert(row.text(0));
    }
    for (auto& e : events) {
      const bool offers = offered.contains(e.id);
      std::string id = e.id;
      out.emplace(std::move(id), LockedEvent{std::move(e), offers});
    }
    return out;
  }

  std::int64_t live_tickets(const std::string& event_id, const std::string& user_id) override {
    auto rows = c_.query(
        "SELECT CAST(COALESCE(SUM(i.quantity), 0) AS BIGINT) FROM registrations r "
        "JOIN registration_items i ON i.registration_id = r.id "
        "WHERE r.event_id = ? AND r.user_id = ? AND r.status IN " + std::string(kLive),
        {event_id, user_id});
    return rows.empty() ? 0 : rows[0].i64(0);
  }

  std::optional<PromoCode> find_promo(const std::string& event_id, const std::string& code) override {
    auto rows = c_.query("SELECT " + std::string(kPromoColumns) +
                             " FROM promo_codes WHERE event_id = ? AND code = ?",
                         {event_id, code});
    if (rows.empty()) return std::nullopt;
    return promo_from_row(rows[0]);
  }

  std::optional<WaitlistEntry> open_offer(const std::string& event_id, const std::string& user_id,
                                          Timestamp now) override {
    auto rows = c_.query("SELECT " + std::string(kWaitColumns) +
                             " FROM waitlist_entries WHERE event_id = ? AND user_id = ? "
                             "AND status = 'offered' AND offer_expires_at > ?",
                         {event_id, user_id, to_millis(now)});
    if (rows.empty()) return std::nullopt;
    return wait_from_row(rows[0]);
  }

  bool take_type_seats(const std::map<std::string, std::int64_t>& seats) override {
    return take_seats("ticket_types", seats);
  }
  bool take_event_seats(const std::map<std::string, std::int64_t>& seats) override {
    return take_seats("events", seats);
  }
  bool claim_promo(const std::string& id) override {
    return c_.execute("UPDATE promo_codes SET uses = uses + 1 WHERE id = ? AND "
                      "(max_uses IS NULL OR uses + 1 <= max_uses)",
                      {id}) == 1;
  }
  void return_type_seats(const std::string& id, std::int64_t n) override {
    c_.execute("UPDATE ticket_types SET sold = sold - ? WHERE id = ?", {n, id});
  }
  void return_event_seats(const std::string& id, std::int64_t n) override {
    c_.execute("UPDATE events SET sold = sold - ? WHERE id = ?", {n, id});
  }
  void release_promo(const std::string& id) override {
    c_.execute("UPDATE promo_codes SET uses = uses - 1 WHERE id = ?", {id});
  }

  bool accept_offer(const WaitlistEntry& w, Timestamp now) override {
    if (!w.offered_ticket_type_id) return false;
    if (c_.execute("UPDATE waitlist_entries SET status = 'accepted', updated_at = ? "
                   "WHERE id = ? AND status = 'offered'",
                   {to_millis(now), w.id}) != 1)
      return false;
    return_seats(c_, w.event_id, *w.offered_ticket_type_id, w.offered_quantity);
    return true;
  }

  void stage(const Registration& r) override { staged_.push_back(r); }

  std::vector<std::string> flush() override {
    std::vector<std::string> lost;
    if (staged_.empty()) return lost;
    std::set<std::string> inserted;
    // Chunks of 32, 16, ... 1 rows keep the number of distinct statements small.
    for_chunks(staged_.size(), 32, [&](std::size_t from, std::size_t n) {
      std::string sql =
          "INSERT INTO registrations (id, event_id, user_id, status, total, currency, "
          "idempotency_key, request_hash, promo_code_id, expires_at, created_at, updated_at) VALUES ";
      std::vector<Value> params;
      params.reserve(n * 12);
      for (std::size_t i = 0; i < n; ++i) {
        const Registration& r = staged_[from + i];
        sql += i == 0 ? "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        params.emplace_back(r.id);
        params.emplace_back(r.event_id);
        params.emplace_back(r.user_id);
        params.emplace_back(std::string(to_string(r.status)));
        params.emplace_back(r.total);
        params.emplace_back(r.currency);
        params.emplace_back(r.idempotency_key);
        params.emplace_back(r.request_hash);
        params.push_back(nullable(r.promo_code_id));
        params.push_back(opt_ms(r.expires_at));
        params.emplace_back(to_millis(r.created_at));
        params.emplace_back(to_millis(r.updated_at));
      }
      sql += " ON CONFLICT (user_id, idempotency_key) DO NOTHING RETURNING id";
      for (const auto& row : c_.query(sql, params)) inserted.insert(row.text(0));
    });
    std::vector<const Registration*> kept;
    for (const Registration& r : staged_) {
      if (inserted.contains(r.id)) kept.push_back(&r);
      else lost.push_back(r.id);
    }
    std::vector<std::pair<const Registration*, std::size_t>> items;
    std::vector<std::pair<const Registration*, std::size_t>> tickets;
    for (const Registration* r : kept) {
      for (std::size_t i = 0; i < r->items.size(); ++i) items.emplace_back(r, i);
      for (std::size_t i = 0; i < r->tickets.size(); ++i) tickets.emplace_back(r, i);
    }
    for_chunks(items.size(), 64, [&](std::size_t from, std::size_t n) {
      std::string sql =
          "INSERT INTO registration_items (registration_id, ticket_type_id, quantity, unit_price, "
          "amount, position) VALUES ";
      std::vector<Value> params;
      params.reserve(n * 6);
      for (std::size_t i = 0; i < n; ++i) {
        const auto& [r, pos] = items[from + i];
        const RegistrationItem& it = r->items[pos];
        sql += i == 0 ? "(?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?)";
        params.emplace_back(r->id);
        params.emplace_back(it.ticket_type_id);
        params.emplace_back(it.quantity);
        params.emplace_back(it.unit_price);
        params.emplace_back(it.amount);
        params.emplace_back(static_cast<std::int64_t>(pos));
      }
      c_.execute(sql, params);
    });
    for_chunks(tickets.size(), 64, [&](std::size_t from, std::size_t n) {
      std::string sql =
          "INSERT INTO tickets (id, registration_id, event_id, ticket_type_id, attendee_name, "
          "attendee_email, status, position, created_at) VALUES ";
      std::vector<Value> params;
      params.reserve(n * 9);
      for (std::size_t i = 0; i < n; ++i) {
        const auto& [r, pos] = tickets[from + i];
        const Ticket& t = r->tickets[pos];
        sql += i == 0 ? "(?, ?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?, ?)";
        params.emplace_back(t.id);
        params.emplace_back(t.registration_id);
        params.emplace_back(t.event_id);
        params.emplace_back(t.ticket_type_id);
        params.emplace_back(t.attendee_name);
        params.emplace_back(t.attendee_email);
        params.emplace_back(std::string(to_string(t.status)));
        params.emplace_back(static_cast<std::int64_t>(pos));
        params.emplace_back(to_millis(r->created_at));
      }
      c_.execute(sql, params);
    });
    staged_.clear();
    return lost;
  }

  std::optional<Registration> find_by_key(const std::string& user_id, const std::string& key) override {
    return load_registration(c_, "r.user_id = ? AND r.idempotency_key = ?", {user_id, key});
  }

 private:
  // One conditional update for many rows of `table`: each id's `sold` grows by its seats,
  // only where that stays within `capacity`. True when every row was updated.
  bool take_seats(std::string_view table, const std::map<std::string, std::int64_t>& seats) {
    if (seats.empty()) return true;
    std::string delta = "CASE id";
    std::vector<Value> delta_params;
    std::vector<Value> id_params;
    for (const auto& [id, n] : seats) {
      delta += " WHEN ? THEN CAST(? AS BIGINT)";
      delta_params.emplace_back(id);
      delta_params.emplace_back(n);
      id_params.emplace_back(id);
    }
    delta += " END";
    const std::string ids = placeholders(seats.size());
    std::vector<Value> params = delta_params;
    params.insert(params.end(), id_params.begin(), id_params.end());
    params.insert(params.end(), delta_params.begin(), delta_params.end());
    const std::string sql = "UPDATE " + std::string(table) + " SET sold = sold + " + delta +
                            " WHERE id IN (" + ids + ") AND sold + " + delta + " <= capacity";
    return c_.execute(sql, params) == static_cast<std::int64_t>(seats.size());
  }

  // Calls fn(from, n) over [0, total) in chunks whose sizes are powers of two <= max.
  template <class F>
  static void for_chunks(std::size_t total, std::size_t max, F&& fn) {
    std::size_t from = 0;
    while (from < total) {
      std::size_t n = max;
      while (n > total - from) n /= 2;
      fn(from, n);
      from += n;
    }
  }

  Connection& c_;
  std::vector<Registration> staged_;
};

}  // namespace

template <class F>
auto SqlRegistrationStore::transact(F&& fn) -> decltype(fn(std::declval<Connection&>())) {
  constexpr int kAttempts = 5;
  for (int attempt = 1;; ++attempt) {
    auto conn = db_.writer();
    try {
      return in_transaction(*conn, fn);
    } catch (const DbError& e) {
      if (!is_retryable(e) || attempt >= kAttempts) throw;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2 * attempt));
  }
}

void SqlRegistrationStore::write(const std::function<void(RegistrationWriter&)>& fn) {
  transact([&](Connection& c) {
    SqlRegistrationWriter writer(c);
    fn(writer);
  });
}

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
  std::string sql = "SELECT " + std::string(kRegColumns) + std::string(kRegFrom) +
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

namespace {

std::string escape_like(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// Cursor "<created_at ms>.<id>" of the last item of a page (newest first).
std::optional<std::pair<std::int64_t, std::string>> parse_cursor(const std::string& c) {
  auto dot = c.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 >= c.size() || c.size() > 200)
    return std::nullopt;
  std::int64_t ms = 0;
  auto [p, ec] = std::from_chars(c.data(), c.data() + dot, ms);
  if (ec != std::errc{} || p != c.data() + dot) return std::nullopt;
  return std::make_pair(ms, c.substr(dot + 1));
}

}  // namespace

Result<RegistrationPage> SqlRegistrationStore::list_for_event(const RegistrationQuery& q) {
  std::string sql = "SELECT " + std::string(kRegColumns) + std::string(kRegFrom) +
                    " WHERE r.event_id = ?";
  std::vector<Value> params{q.event_id};
  if (q.status) {
    sql += " AND r.status = ?";
    params.emplace_back(std::string(to_string(*q.status)));
  }
  if (q.q && !q.q->empty()) {
    const std::string like = "%" + escape_like(*q.q) + "%";
    sql += " AND (LOWER(u.email) LIKE ? ESCAPE '\\' OR LOWER(u.name) LIKE ? ESCAPE '\\' OR EXISTS ("
           "SELECT 1 FROM tickets t WHERE t.registration_id = r.id AND "
           "(LOWER(t.attendee_name) LIKE ? ESCAPE '\\' OR LOWER(t.attendee_email) LIKE ? ESCAPE '\\')))";
    for (int i = 0; i < 4; ++i) params.emplace_back(like);
  }
  if (q.cursor) {
    auto c = parse_cursor(*q.cursor);
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
    page.next_cursor = std::to_string(to_millis(last.created_at)) + "." + last.id;
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
  for (const auto& row : conn->query(
           "SELECT i.ticket_type_id, CAST(COALESCE(SUM(i.amount), 0) AS BIGINT) FROM registrations r "
           "JOIN registration_items i ON i.registration_id = r.id "
           "WHERE r.event_id = ? AND r.status = 'confirmed' GROUP BY i.ticket_type_id",
           {event_id})) {
    if (auto it = by_type.find(row.text(0)); it != by_type.end()) it->second.revenue = row.i64(1);
    s.revenue += row.i64(1);
  }
  for (const auto& row : conn->query(
           "SELECT ticket_type_id, COUNT(*) FROM tickets WHERE event_id = ? AND status = 'checked_in' "
           "GROUP BY ticket_type_id",
           {event_id})) {
    if (auto it = by_type.find(row.text(0)); it != by_type.end()) it->second.checked_in = row.i64(1);
    s.checked_in += row.i64(1);
  }
  for (const auto& t : event->ticket_types) s.by_ticket_type.push_back(by_type[t.id]);
  for (const auto& row : conn->query(
           "SELECT r.created_at / 86400000, CAST(COALESCE(SUM(i.quantity), 0) AS BIGINT), "
           "CAST(COALESCE(SUM(CASE WHEN r.status = 'confirmed' THEN i.amount ELSE 0 END), 0) AS BIGINT) "
           "FROM registrations r JOIN registration_items i ON i.registration_id = r.id "
           "WHERE r.event_id = ? AND r.status IN " + std::string(kLive) +
               " GROUP BY r.created_at / 86400000 ORDER BY 1",
           {event_id})) {
    DaySales d;
    d.date = format_date(from_millis(row.i64(0) * 86400000));
    d.tickets = row.i64(1);
    d.revenue = row.i64(2);
    s.sales_by_day.push_back(std::move(d));
  }
  return s;
}

Result<Registration> SqlRegistrationStore::cancel(const CancelRequest& req,
                                                  const RegistrationNotices& notices) {
  std::string event_id;
  {
    auto conn = db_.reader();
    auto rows = conn->query("SELECT event_id FROM registrations WHERE id = ?", {req.registration_id});
    if (rows.empty()) return Error::not_found("registration");
    event_id = rows[0].text(0);
  }
  return transact([&](Connection& c) -> Result<Registration> {
    lock_event_row(c, event_id);
    auto reg = load_registration(c, "r.id = ?", {req.registration_id});
    auto event = load_event(c, event_id);
    if (!reg || !event) return Error::not_found("registration");
    if (!end_registration(c, *reg, RegistrationStatus::cancelled,
                          req.by_organizer ? "organizer" : "attendee", req.now))
      return Error::conflict("This registration is already " + std::string(to_string(reg->status)) + ".");
    auto updated = load_registration(c, "r.id = ?", {req.registration_id});
    queue_mail(c, notices.registration_cancelled(*event, *updated, user_email(c, updated->user_id),
                                                 req.by_organizer),
               req.now);
    offer_to_waitlist(c, event_id, req.now, notices);
    return std::move(*updated);
  });
}

int SqlRegistrationStore::cancel_event(const std::string& event_id, Timestamp now,
                                       const RegistrationNotices& notices) {
  int total = 0;
  for (;;) {
    const int done = transact([&](Connection& c) {
      lock_event_row(c, event_id);
      auto event = load_event(c, event_id);
      if (!event) return 0;
      std::vector<Registration> regs;
      for (const auto& row : c.query("SELECT " + std::string(kRegColumns) + std::string(kRegFrom) +
                                         " WHERE r.event_id = ? AND r.status IN " + std::string(kLive) +
                                         " ORDER BY r.created_at, r.id LIMIT 200",
                                     {event_id}))
        regs.push_back(registration_from_row(row));
      load_details(c, regs);
      int n = 0;
      for (auto& r : regs) {
        if (!end_registration(c, r, RegistrationStatus::cancelled, "event", now)) continue;
        r.status = RegistrationStatus::cancelled;
        r.cancelled_at = now;
        queue_mail(c, notices.event_cancelled(*event, r, r.buyer_email), now);
        ++n;
      }
      if (regs.empty()) {
        // The waiting list ends too; open offers give their seats back.
        for (const auto& row : c.query("SELECT " + std::string(kWaitColumns) +
                                           " FROM waitlist_entries WHERE event_id = ? AND status = 'offered'",
                                       {event_id})) {
          WaitlistEntry w = wait_from_row(row);
          if (w.offered_ticket_type_id)
            return_seats(c, event_id, *w.offered_ticket_type_id, w.offered_quantity);
        }
        c.execute("UPDATE waitlist_entries SET status = 'cancelled', updated_at = ? "
                  "WHERE event_id = ? AND status IN ('waiting', 'offered')",
                  {to_millis(now), event_id});
        return -1;
      }
      return n;
    });
    if (done < 0) break;
    total += done;
  }
  return total;
}

SweepResult SqlRegistrationStore::sweep(Timestamp now, const RegistrationNotices& notices) {
  SweepResult result;
  std::set<std::string> returned;
  const std::int64_t now_ms = to_millis(now);

  // Phases 1 and 2 share a shape: read the due (event, row) pairs, then per event one
  // transaction that locks the event row, ends each row still due (`end_one` says whether
  // it did), and offers the freed seats to the waiting list.
  auto settle_due = [&](std::string_view due_sql, auto end_one) {
    std::vector<std::pair<std::string, std::string>> due;  // (event, row id)
    {
      auto conn = db_.reader();
      for (const auto& row : conn->query(due_sql, {now_ms})) due.emplace_back(row.text(0), row.text(1));
    }
    std::sort(due.begin(), due.end());
    int settled = 0;
    for (std::size_t i = 0; i < due.size();) {
      const std::string event_id = due[i].first;
      std::size_t end = i;
      while (end < due.size() && due[end].first == event_id) ++end;
      settled += transact([&](Connection& c) {
        lock_event_row(c, event_id);
        int n = 0;
        for (std::size_t k = i; k < end; ++k)
          if (end_one(c, event_id, due[k].second)) ++n;
        if (n > 0) result.offers_made += offer_to_waitlist(c, event_id, now, notices);
        return n;
      });
      returned.insert(event_id);
      i = end;
    }
    return settled;
  };

  // 1. Holds past expires_at.
  result.holds_expired += settle_due(
      "SELECT event_id, id FROM registrations WHERE status = 'pending_payment' AND expires_at <= ? "
      "ORDER BY expires_at LIMIT 1000",
      [&](Connection& c, const std::string&, const std::string& id) {
        auto reg = load_registration(c, "r.id = ?", {id});
        if (!reg || reg->status != RegistrationStatus::pending_payment || !reg->expires_at ||
            *reg->expires_at > now)
          return false;
        return end_registration(c, *reg, RegistrationStatus::expired, "", now);
      });

  // 2. Waiting-list offers nobody took up in time pass to the next in line.
  result.offers_expired += settle_due(
      "SELECT event_id, id FROM waitlist_entries WHERE status = 'offered' AND offer_expires_at <= ? "
      "ORDER BY offer_expires_at LIMIT 1000",
      [&](Connection& c, const std::string& event_id, const std::string& id) {
        auto rows = c.query("SELECT " + std::string(kWaitColumns) + " FROM waitlist_entries WHERE id = ?", {id});
        if (rows.empty()) return false;
        WaitlistEntry w = wait_from_row(rows[0]);
        if (c.execute("UPDATE waitlist_entries SET status = 'expired', updated_at = ? "
                      "WHERE id = ? AND status = 'offered' AND offer_expires_at <= ?",
                      {now_ms, w.id, now_ms}) != 1)
          return false;
        if (w.offered_ticket_type_id)
          return_seats(c, event_id, *w.offered_ticket_type_id, w.offered_quantity);
        return true;
      });

  // 3. Free seats (capacity raised, seats returned on another node) and people waiting.
  std::vector<std::string> waiting;
  {
    auto conn = db_.reader();
    for (const auto& row : conn->query(
             "SELECT DISTINCT w.event_id FROM waitlist_entries w JOIN events e ON e.id = w.event_id "
             "WHERE w.status = 'waiting' AND e.sold < e.capacity AND e.status = 'published' AND e.ends_at > ?",
             {now_ms}))
      waiting.push_back(row.text(0));
  }
  std::sort(waiting.begin(), waiting.end());
  for (const auto& event_id : waiting) {
    result.offers_made += transact([&](Connection& c) {
      lock_event_row(c, event_id);
      return offer_to_waitlist(c, event_id, now, notices);
    });
  }
  result.events_with_returned_seats.assign(returned.begin(), returned.end());
  return result;
}

Result<PromoCode> SqlRegistrationStore::create_promo(const PromoCode& p) {
  try {
    return transact([&](Connection& c) -> Result<PromoCode> {
      if (!c.query("SELECT 1 FROM promo_codes WHERE event_id = ? AND code = ?", {p.event_id, p.code}).empty())
        return Error::conflict("This event already has the promo code " + p.code + ".");
      c.execute("INSERT INTO promo_codes (" + std::string(kPromoColumns) +
                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
                {p.id, p.event_id, p.code, std::string(to_string(p.kind)), p.amount,
                 nullable(p.ticket_type_id), std::int64_t{p.unlocks_hidden ? 1 : 0},
                 nullable(p.max_uses), opt_ms(p.valid_from), opt_ms(p.valid_until),
                 to_millis(p.created_at), to_millis(p.updated_at)});
      auto rows = c.query("SELECT " + std::string(kPromoColumns) + " FROM promo_codes WHERE id = ?", {p.id});
      return promo_from_row(rows.at(0));
    });
  } catch (const DbError& e) {
    if (e.kind() == DbError::Kind::unique_violation)
      return Error::conflict("This event already has the promo code " + p.code + ".");
    throw;
  }
}

std::vector<PromoCode> SqlRegistrationStore::list_promos(const std::string& event_id) {
  auto conn = db_.reader();
  std::vector<PromoCode> out;
  for (const auto& row : conn->query("SELECT " + std::string(kPromoColumns) +
                                         " FROM promo_codes WHERE event_id = ? ORDER BY created_at, code",
                                     {event_id}))
    out.push_back(promo_from_row(row));
  return out;
}

std::optional<PromoCode> SqlRegistrationStore::find_promo(const std::string& event_id,
                                                         const std::string& code) {
  auto conn = db_.reader();
  auto rows = conn->query("SELECT " + std::string(kPromoColumns) +
                              " FROM promo_codes WHERE event_id = ? AND code = ?",
                          {event_id, code});
  if (rows.empty()) return std::nullopt;
  return promo_from_row(rows[0]);
}

Result<WaitlistEntry> SqlRegistrationStore::join_waitlist(const WaitlistEntry& w) {
  try {
    return transact([&](Connection& c) -> Result<WaitlistEntry> {
      lock_event_row(c, w.event_id);
      auto event = load_event(c, w.event_id);
      if (!event) return Error::not_found("event");
      if (!c.query("SELECT 1 FROM waitlist_entries WHERE event_id = ? AND user_id = ?",
                   {w.event_id, w.user_id})
               .empty())
        return Error::conflict("You are already on the waiting list of this event.");
      bool seats_left = false;
      if (event->capacity - event->sold >= w.quantity) {
        for (const auto& t : event->ticket_types) {
          const bool wanted = w.ticket_type_id ? t.id == *w.ticket_type_id : !t.hidden;
          if (wanted && t.capacity - t.sold >= w.quantity) seats_left = true;
        }
      }
      if (seats_left)
        return Error::conflict("Seats are still available: register instead of joining the waiting list.");
      c.execute("INSERT INTO waitlist_entries (id, event_id, user_id, ticket_type_id, quantity, status, "
                "offered_quantity, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'waiting', 0, ?, ?)",
                {w.id, w.event_id, w.user_id, nullable(w.ticket_type_id), w.quantity,
                 to_millis(w.created_at), to_millis(w.updated_at)});
      WaitlistEntry out = w;
      out.status = WaitlistStatus::waiting;
      auto rows = c.query("SELECT COUNT(*) FROM waitlist_entries WHERE event_id = ? AND status = 'waiting'",
                          {w.event_id});
      out.position = rows.empty() ? 1 : rows[0].i64(0);
      return out;
    });
  } catch (const DbError& e) {
    if (e.kind() == DbError::Kind::unique_violation)
      return Error::conflict("You are already on the waiting list of this event.");
    throw;
  }
}

std::optional<WaitlistEntry> SqlRegistrationStore::find_waitlist(const std::string& event_id,
                                                                 const std::string& user_id) {
  auto conn = db_.reader();
  auto rows = conn->query("SELECT " + std::string(kWaitColumns) +
                              " FROM waitlist_entries WHERE event_id = ? AND user_id = ?",
                          {event_id, user_id});
  if (rows.empty()) return std::nullopt;
  WaitlistEntry w = wait_from_row(rows[0]);
  if (w.status == WaitlistStatus::waiting) {
    auto pos = conn->query(
        "SELECT COUNT(*) FROM waitlist_entries WHERE event_id = ? AND status = 'waiting' AND "
        "seq <= (SELECT seq FROM waitlist_entries WHERE id = ?)",
        {event_id, w.id});
    w.position = pos.empty() ? 0 : pos[0].i64(0);
  }
  return w;
}

Status SqlRegistrationStore::leave_waitlist(const std::string& event_id, const std::string& user_id,
                                            Timestamp now, const RegistrationNotices& notices) {
  return transact([&](Connection& c) -> Status {
    lock_event_row(c, event_id);
    auto rows = c.query("SELECT " + std::string(kWaitColumns) +
                            " FROM waitlist_entries WHERE event_id = ? AND user_id = ?",
                        {event_id, user_id});
    if (rows.empty()) return Error::not_found("waiting list entry");
    WaitlistEntry w = wait_from_row(rows[0]);
    if (w.status == WaitlistStatus::offered && w.offered_ticket_type_id)
      return_seats(c, event_id, *w.offered_ticket_type_id, w.offered_quantity);
    c.execute("DELETE FROM waitlist_entries WHERE id = ?", {w.id});
    if (w.status == WaitlistStatus::offered) offer_to_waitlist(c, event_id, now, notices);
    return {};
  });
}

std::vector<CounterMismatch> SqlRegistrationStore::check_counters() {
  auto conn = db_.reader();
  std::vector<CounterMismatch> out;
  auto compare = [&](const char* what, const std::string& sql) {
    for (const auto& row : conn->query(sql))
      if (row.i64(1) != row.i64(2)) out.push_back({what, row.text(0), row.i64(1), row.i64(2)});
  };
  const std::string live(kLive);
  compare("events.sold",
          "SELECT e.id, e.sold, "
          "CAST((SELECT COALESCE(SUM(i.quantity), 0) FROM registrations r JOIN registration_items i "
          "ON i.registration_id = r.id WHERE r.event_id = e.id AND r.status IN " + live + ") + "
          "(SELECT COALESCE(SUM(w.offered_quantity), 0) FROM waitlist_entries w "
          "WHERE w.event_id = e.id AND w.status = 'offered') AS BIGINT) FROM events e ORDER BY e.id");
  compare("ticket_types.sold",
          "SELECT t.id, t.sold, "
          "CAST((SELECT COALESCE(SUM(i.quantity), 0) FROM registrations r JOIN registration_items i "
          "ON i.registration_id = r.id WHERE i.ticket_type_id = t.id AND r.status IN " + live + ") + "
          "(SELECT COALESCE(SUM(w.offered_quantity), 0) FROM waitlist_entries w "
          "WHERE w.offered_ticket_type_id = t.id AND w.status = 'offered') AS BIGINT) "
          "FROM ticket_types t ORDER BY t.id");
  compare("promo_codes.uses",
          "SELECT p.id, p.uses, (SELECT COUNT(*) FROM registrations r WHERE r.promo_code_id = p.id "
          "AND r.status IN " + live + ") FROM promo_codes p ORDER BY p.id");
  compare("tickets",
          "SELECT r.id, (SELECT CAST(COALESCE(SUM(i.quantity), 0) AS BIGINT) FROM registration_items i "
          "WHERE i.registration_id = r.id), (SELECT COUNT(*) FROM tickets t WHERE t.registration_id = r.id "
          "AND t.status <> 'cancelled') FROM registrations r WHERE r.status IN " + live + " ORDER BY r.id");
  return out;
}

}  // namespace admit::sql
