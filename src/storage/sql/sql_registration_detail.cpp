// The shared parts of SqlRegistrationStore: row mapping by column name, loading a
// registration with its items and tickets, seat counters and ending a live registration
// (contracts in sql_registration_detail.hpp).
#include "storage/sql/sql_registration_detail.hpp"

#include <algorithm>
#include <map>

#include "storage/sql/outbox.hpp"
#include "storage/sql/values.hpp"

namespace admit::sql::detail {

std::string select_registrations() {
  return kRegistrationColumns.select() + std::string(kRegistrationFrom);
}

std::string select_waitlist() { return kWaitlistColumns.select() + " FROM waitlist_entries"; }

Registration registration_from_row(const Row& r) {
  constexpr const auto& c = kRegistrationColumns;
  Registration g;
  g.id = r.text(c["r.id"]);
  g.event_id = r.text(c["r.event_id"]);
  g.user_id = r.text(c["r.user_id"]);
  g.status = parse_registration_status(r.text(c["r.status"])).value_or(RegistrationStatus::cancelled);
  g.total = r.i64(c["r.total"]);
  g.currency = r.text(c["r.currency"]);
  g.idempotency_key = r.text(c["r.idempotency_key"]);
  g.request_hash = r.text(c["r.request_hash"]);
  g.promo_code_id = r.opt_text(c["r.promo_code_id"]);
  g.expires_at = opt_time(r, c["r.expires_at"]);
  g.checkout_url = r.opt_text(c["r.checkout_url"]);
  g.refund_status = r.opt_text(c["r.refund_status"]);
  g.created_at = from_millis(r.i64(c["r.created_at"]));
  g.updated_at = from_millis(r.i64(c["r.updated_at"]));
  g.cancelled_at = opt_time(r, c["r.cancelled_at"]);
  g.buyer_name = r.opt_text(c["u.name"]).value_or("");
  g.buyer_email = r.opt_text(c["u.email"]).value_or("");
  g.tickets_issued_at = opt_time(r, c["r.tickets_issued_at"]);
  g.tickets_mailed_at = opt_time(r, c["r.tickets_mailed_at"]);
  if (auto flag = r.opt_text(c[kPaymentFlag])) g.payment_flags.push_back(std::move(*flag));
  if (r.opt_text(c[kRefundError])) g.payment_flags.emplace_back("refund_failed");
  return g;
}

PromoCode promo_from_row(const Row& r) {
  constexpr const auto& c = kPromoColumns;
  PromoCode p;
  p.id = r.text(c["id"]);
  p.event_id = r.text(c["event_id"]);
  p.code = r.text(c["code"]);
  p.kind = parse_discount_kind(r.text(c["kind"])).value_or(DiscountKind::percent);
  p.amount = r.i64(c["amount"]);
  p.ticket_type_id = r.opt_text(c["ticket_type_id"]);
  p.unlocks_hidden = r.i64(c["unlocks_hidden"]) != 0;
  p.max_uses = r.opt_i64(c["max_uses"]);
  p.uses = r.i64(c["uses"]);
  p.valid_from = opt_time(r, c["valid_from"]);
  p.valid_until = opt_time(r, c["valid_until"]);
  p.created_at = from_millis(r.i64(c["created_at"]));
  p.updated_at = from_millis(r.i64(c["updated_at"]));
  return p;
}

WaitlistEntry waitlist_from_row(const Row& r) {
  constexpr const auto& c = kWaitlistColumns;
  WaitlistEntry w;
  w.id = r.text(c["id"]);
  w.event_id = r.text(c["event_id"]);
  w.user_id = r.text(c["user_id"]);
  w.ticket_type_id = r.opt_text(c["ticket_type_id"]);
  w.quantity = r.i64(c["quantity"]);
  w.status = parse_waitlist_status(r.text(c["status"])).value_or(WaitlistStatus::cancelled);
  w.offered_ticket_type_id = r.opt_text(c["offered_ticket_type_id"]);
  w.offered_quantity = r.i64(c["offered_quantity"]);
  w.offered_at = opt_time(r, c["offered_at"]);
  w.offer_expires_at = opt_time(r, c["offer_expires_at"]);
  w.created_at = from_millis(r.i64(c["created_at"]));
  w.updated_at = from_millis(r.i64(c["updated_at"]));
  return w;
}

namespace {

constexpr ColumnList kItemColumns{"i.registration_id", "i.ticket_type_id", "i.quantity",
                                  "i.unit_price", "i.amount", "t.name"};
constexpr ColumnList kTicketColumns{"id", "registration_id", "event_id", "ticket_type_id",
                                    "attendee_name", "attendee_email", "status", "qr",
                                    "checked_in_at"};

}  // namespace

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
             kItemColumns.select() +
                 " FROM registration_items i LEFT JOIN ticket_types t ON t.id = i.ticket_type_id "
                 "WHERE i.registration_id IN (" + in + ") ORDER BY i.registration_id, i.position",
             params)) {
      constexpr const auto& c = kItemColumns;
      RegistrationItem item{row.text(c["i.ticket_type_id"]), row.i64(c["i.quantity"]),
                            row.i64(c["i.unit_price"]), row.i64(c["i.amount"]),
                            row.opt_text(c["t.name"]).value_or("")};
      by_id[row.text(c["i.registration_id"])]->items.push_back(std::move(item));
    }
    for (const auto& row : conn.query(
             kTicketColumns.select() + " FROM tickets WHERE registration_id IN (" + in +
                 ") ORDER BY registration_id, position",
             params)) {
      constexpr const auto& c = kTicketColumns;
      Ticket t;
      t.id = row.text(c["id"]);
      t.registration_id = row.text(c["registration_id"]);
      t.event_id = row.text(c["event_id"]);
      t.ticket_type_id = row.text(c["ticket_type_id"]);
      t.attendee_name = row.text(c["attendee_name"]);
      t.attendee_email = row.text(c["attendee_email"]);
      t.status = parse_ticket_status(row.text(c["status"])).value_or(TicketStatus::cancelled);
      t.qr = row.opt_text(c["qr"]);
      t.checked_in_at = opt_time(row, c["checked_in_at"]);
      by_id[t.registration_id]->tickets.push_back(std::move(t));
    }
  }
}

std::optional<Registration> load_registration(Connection& conn, std::string_view where,
                                              const std::vector<Value>& params) {
  auto rows = conn.query(select_registrations() + " WHERE " + std::string(where), params);
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

}  // namespace admit::sql::detail
