// The engine's side of SqlRegistrationStore: write() runs one batch of the registration
// engine in one transaction through SqlRegistrationWriter, which locks the batch's events,
// reads per-user counts, promo codes and open offers, moves the seat and promo counters with
// conditional updates (never below zero, never above capacity), and inserts the staged
// registrations, items and tickets with multi-row INSERTs (ON CONFLICT on the idempotency
// key: a row already there is reported lost, not duplicated).
#include "storage/sql/sql_registration_detail.hpp"

#include <map>
#include <set>

#include "storage/sql/sql_event_store.hpp"
#include "storage/sql/values.hpp"

namespace admit::sql {

using namespace detail;

namespace {

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
    auto rows = c_.query(kPromoColumns.select() +
                             " FROM promo_codes WHERE event_id = ? AND code = ?",
                         {event_id, code});
    if (rows.empty()) return std::nullopt;
    return promo_from_row(rows[0]);
  }

  std::optional<WaitlistEntry> open_offer(const std::string& event_id, const std::string& user_id,
                                          Timestamp now) override {
    auto rows = c_.query(select_waitlist() +
                             " WHERE event_id = ? AND user_id = ? "
                             "AND status = 'offered' AND offer_expires_at > ?",
                         {event_id, user_id, to_millis(now)});
    if (rows.empty()) return std::nullopt;
    return waitlist_from_row(rows[0]);
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
    const std::set<std::string> inserted = insert_registrations();
    std::vector<const Registration*> kept;
    for (const Registration& r : staged_) {
      if (inserted.contains(r.id)) kept.push_back(&r);
      else lost.push_back(r.id);
    }
    Positions items;
    Positions tickets;
    for (const Registration* r : kept) {
      for (std::size_t i = 0; i < r->items.size(); ++i) items.emplace_back(r, i);
      for (std::size_t i = 0; i < r->tickets.size(); ++i) tickets.emplace_back(r, i);
    }
    insert_items(items);
    insert_tickets(tickets);
    staged_.clear();
    return lost;
  }

  std::optional<Registration> find_by_key(const std::string& user_id, const std::string& key) override {
    return load_registration(c_, "r.user_id = ? AND r.idempotency_key = ?", {user_id, key});
  }

 private:
  // Multi-row INSERTs of the staged registrations; returns the ids inserted (a row whose
  // idempotency key is already there is left out: ON CONFLICT DO NOTHING).
  std::set<std::string> insert_registrations() {
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
    return inserted;
  }

  using Positions = std::vector<std::pair<const Registration*, std::size_t>>;

  // The items at (registration, position), 64 rows per statement at most.
  void insert_items(const Positions& items) {
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
  }

  // The tickets at (registration, position), 64 rows per statement at most.
  void insert_tickets(const Positions& tickets) {
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
  }

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

void SqlRegistrationStore::write(const std::function<void(RegistrationWriter&)>& fn) {
  transact([&](Connection& c) {
    SqlRegistrationWriter writer(c);
    fn(writer);
  });
}

}  // namespace admit::sql
