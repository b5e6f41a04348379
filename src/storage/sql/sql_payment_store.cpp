#include "storage/sql/sql_payment_store.hpp"

#include <algorithm>
#include <cctype>

#include "storage/sql/columns.hpp"
#include "storage/sql/outbox.hpp"

namespace admit {

std::string_view to_string(PaymentOutcome o) noexcept {
  switch (o) {
    case PaymentOutcome::duplicate: return "duplicate";
    case PaymentOutcome::confirmed: return "confirmed";
    case PaymentOutcome::late_confirmed: return "late_confirmed";
    case PaymentOutcome::late_no_seats: return "late_no_seats";
    case PaymentOutcome::mismatch: return "mismatch";
    case PaymentOutcome::hold_released: return "hold_released";
    case PaymentOutcome::failed: return "failed";
    case PaymentOutcome::refunded: return "refunded";
    case PaymentOutcome::disputed: return "disputed";
    case PaymentOutcome::paid_twice: return "paid_twice";
    case PaymentOutcome::ignored: return "ignored";
  }
  return "ignored";
}

}  // namespace admit

namespace admit::sql {
namespace {

constexpr ColumnList kColumns{
    "registration_id", "provider", "session_id", "session_url", "session_expires_at",
    "payment_intent", "status", "amount_paid", "amount_refunded", "refund_requested",
    "currency", "flag", "refund_reason", "created_at", "updated_at", "refund_error"};

Payment payment_of(const Row& r) {
  constexpr const auto& c = kColumns;
  Payment p;
  p.registration_id = r.text(c["registration_id"]);
  p.provider = r.text(c["provider"]);
  p.session_id = r.opt_text(c["session_id"]);
  p.session_url = r.opt_text(c["session_url"]);
  if (auto t = r.opt_i64(c["session_expires_at"])) p.session_expires_at = from_millis(*t);
  p.payment_intent = r.opt_text(c["payment_intent"]);
  p.status = r.text(c["status"]);
  p.amount_paid = r.i64(c["amount_paid"]);
  p.amount_refunded = r.i64(c["amount_refunded"]);
  p.refund_requested = r.i64(c["refund_requested"]);
  p.currency = r.text(c["currency"]);
  p.flag = r.opt_text(c["flag"]);
  p.refund_reason = r.opt_text(c["refund_reason"]);
  p.created_at = from_millis(r.i64(c["created_at"]));
  p.updated_at = from_millis(r.i64(c["updated_at"]));
  p.refund_error = r.opt_text(c["refund_error"]);
  return p;
}

std::optional<Payment> load_payment(Connection& c, std::string_view where, const std::vector<Value>& params) {
  auto rows = c.query(kColumns.select() + " FROM payments WHERE " + std::string(where), params);
  if (rows.empty()) return std::nullopt;
  return payment_of(rows[0]);
}

// What a payment needs to know of its registration.
struct RegRow {
  Registration r;
  std::string email;
};

constexpr ColumnList kRegColumns{"r.id", "r.event_id", "r.user_id", "r.status", "r.total",
                                 "r.currency", "r.promo_code_id", "COALESCE(u.email, '')"};

std::optional<RegRow> load_reg(Connection& c, const std::string& id) {
  constexpr const auto& k = kRegColumns;
  auto rows = c.query(k.select() +
                          " FROM registrations r LEFT JOIN users u ON u.id = r.user_id WHERE r.id = ?",
                      {id});
  if (rows.empty()) return std::nullopt;
  RegRow out;
  const Row& row = rows[0];
  out.r.id = row.text(k["r.id"]);
  out.r.event_id = row.text(k["r.event_id"]);
  out.r.user_id = row.text(k["r.user_id"]);
  out.r.status = parse_registration_status(row.text(k["r.status"])).value_or(RegistrationStatus::cancelled);
  out.r.total = row.i64(k["r.total"]);
  out.r.currency = row.text(k["r.currency"]);
  out.r.promo_code_id = row.opt_text(k["r.promo_code_id"]);
  out.email = row.text(k["COALESCE(u.email, '')"]);
  constexpr ColumnList kItem{"ticket_type_id", "quantity"};
  for (const auto& item :
       c.query(kItem.select() + " FROM registration_items WHERE registration_id = ? ORDER BY position", {id})) {
    RegistrationItem i;
    i.ticket_type_id = item.text(kItem["ticket_type_id"]);
    i.quantity = item.i64(kItem["quantity"]);
    out.r.items.push_back(std::move(i));
  }
  return out;
}

// PostgreSQL: the event row first, as every other writer of seats does (no lock cycles).
void lock_event(Connection& c, const std::string& event_id) {
  if (c.dialect() == Dialect::postgres) c.query("SELECT id FROM events WHERE id = ? FOR UPDATE", {event_id});
}

bool take(Connection& c, const Registration& r) {
  std::vector<const RegistrationItem*> taken;
  bool ok = true;
  for (const auto& item : r.items) {
    if (c.execute("UPDATE ticket_types SET sold = sold + ? WHERE id = ? AND sold + ? <= capacity",
                  {item.quantity, item.ticket_type_id, item.quantity}) != 1) {
      ok = false;
      break;
    }
    if (c.execute("UPDATE events SET sold = sold + ? WHERE id = ? AND sold + ? <= capacity",
                  {item.quantity, r.event_id, item.quantity}) != 1) {
      c.execute("UPDATE ticket_types SET sold = sold - ? WHERE id = ?", {item.quantity, item.ticket_type_id});
      ok = false;
      break;
    }
    taken.push_back(&item);
  }
  if (ok && r.promo_code_id &&
      c.execute("UPDATE promo_codes SET uses = uses + 1 WHERE id = ? AND (max_uses IS NULL OR uses < max_uses)",
                {*r.promo_code_id}) != 1)
    ok = false;
  if (ok) return true;
  for (const auto* item : taken) {
    c.execute("UPDATE ticket_types SET sold = sold - ? WHERE id = ?", {item->quantity, item->ticket_type_id});
    c.execute("UPDATE events SET sold = sold - ? WHERE id = ?", {item->quantity, r.event_id});
  }
  return false;
}

void give_back(Connection& c, const Registration& r) {
  c.execute("UPDATE tickets SET status = 'cancelled' WHERE registration_id = ? AND status <> 'cancelled'", {r.id});
  for (const auto& item : r.items) {
    c.execute("UPDATE ticket_types SET sold = sold - ? WHERE id = ?", {item.quantity, item.ticket_type_id});
    c.execute("UPDATE events SET sold = sold - ? WHERE id = ?", {item.quantity, r.event_id});
  }
  if (r.promo_code_id) c.execute("UPDATE promo_codes SET uses = uses - 1 WHERE id = ?", {*r.promo_code_id});
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::tolower(ch); });
  return s;
}

// The payment row of a registration, created when the event is the first we hear of it.
void ensure_payment(Connection& c, const PaymentEvent& e, const Registration& r, Timestamp now) {
  c.execute("INSERT INTO payments (registration_id, provider, session_id, payment_intent, status, currency, "
            "created_at, updated_at) VALUES (?, 'stripe', ?, ?, 'open', ?, ?, ?) "
            "ON CONFLICT (registration_id) DO NOTHING",
            {r.id, e.session_id.empty() ? Value(nullptr) : Value(e.session_id),
             e.payment_intent.empty() ? Value(nullptr) : Value(e.payment_intent), r.currency,
             to_millis(now), to_millis(now)});
  if (!e.payment_intent.empty())
    c.execute("UPDATE payments SET payment_intent = ? WHERE registration_id = ?", {e.payment_intent, r.id});
}

void flag(Connection& c, const std::string& reg_id, std::string_view what, Timestamp now) {
  c.execute("UPDATE payments SET flag = ?, updated_at = ? WHERE registration_id = ?",
            {std::string(what), to_millis(now), reg_id});
}

using Notice = std::function<LateRefundNotice(const Registration&)>;

// A payment other than the one that settled the registration (a second checkout session
// paid too, or paid online after the organizer marked it paid at the door): kept aside,
// the registration flagged, and the service refunds it whole.
bool second_payment(Connection& c, const PaymentEvent& e, const Registration& r, Timestamp now) {
  if (e.payment_intent.empty()) return false;
  auto p = load_payment(c, "registration_id = ?", {r.id});
  if (!p || (p->status != "paid" && p->status != "refunded")) return false;
  if (p->payment_intent && *p->payment_intent == e.payment_intent) return false;
  if (!p->payment_intent && p->provider != "door") return false;
  c.execute("INSERT INTO payment_extras (payment_intent, registration_id, amount, currency, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (payment_intent) DO NOTHING",
            {e.payment_intent, r.id, e.amount, lower(e.currency), to_millis(now)});
  flag(c, r.id, "paid_twice", now);
  return true;
}

PaymentOutcome paid(Connection& c, const PaymentEvent& e, RegRow& reg, Timestamp now, const Notice& notice) {
  Registration& r = reg.r;
  if (second_payment(c, e, r, now)) return PaymentOutcome::paid_twice;
  ensure_payment(c, e, r, now);
  if (e.amount != r.total || lower(e.currency) != lower(r.currency)) {
    flag(c, r.id, "amount_mismatch", now);
    return PaymentOutcome::mismatch;
  }
  c.execute("UPDATE payments SET status = 'paid', amount_paid = ?, updated_at = ? WHERE registration_id = ?",
            {e.amount, to_millis(now), r.id});
  if (c.execute("UPDATE registrations SET status = 'confirmed', expires_at = NULL, updated_at = ? "
                "WHERE id = ? AND status = 'pending_payment'",
                {to_millis(now), r.id}) == 1)
    return PaymentOutcome::confirmed;
  if (r.status != RegistrationStatus::expired && r.status != RegistrationStatus::cancelled)
    return PaymentOutcome::ignored;  // already confirmed (or refunded): nothing more to do
  lock_event(c, r.event_id);
  if (r.status == RegistrationStatus::expired &&
      c.execute("UPDATE registrations SET status = 'confirmed', expires_at = NULL, updated_at = ? "
                "WHERE id = ? AND status = 'expired'",
                {to_millis(now), r.id}) == 1) {
    if (take(c, r)) {
      c.execute("UPDATE tickets SET status = 'valid' WHERE registration_id = ? AND status = 'cancelled'", {r.id});
      return PaymentOutcome::late_confirmed;
    }
    c.execute("UPDATE registrations SET status = 'expired', updated_at = ? WHERE id = ?", {to_millis(now), r.id});
  }
  // Paid for seats it no longer holds: refund due, attendee told (once per registration).
  c.execute("UPDATE registrations SET refund_status = 'due', updated_at = ? WHERE id = ?", {to_millis(now), r.id});
  flag(c, r.id, "late_no_seats", now);
  if (notice) {
    auto n = notice(r);
    if (!reg.email.empty())
      enqueue_mail(c, OutboxMail{reg.email, n.subject, n.text, "", "late-refund:" + r.id}, now);
  }
  return PaymentOutcome::late_no_seats;
}

PaymentOutcome expired(Connection& c, const PaymentEvent& e, const RegRow& reg, Timestamp now) {
  c.execute("UPDATE payments SET status = 'expired', updated_at = ? WHERE session_id = ? AND status = 'open'",
            {to_millis(now), e.session_id});
  auto current = load_payment(c, "registration_id = ?", {reg.r.id});
  if (!current || current->session_id != e.session_id) return PaymentOutcome::ignored;
  lock_event(c, reg.r.event_id);
  if (c.execute("UPDATE registrations SET status = 'expired', updated_at = ? WHERE id = ? AND status = 'pending_payment'",
                {to_millis(now), reg.r.id}) != 1)
    return PaymentOutcome::ignored;
  give_back(c, reg.r);
  return PaymentOutcome::hold_released;
}

PaymentOutcome refunded(Connection& c, const PaymentEvent& e, const RegRow& reg, Timestamp now) {
  auto p = load_payment(c, "registration_id = ?", {reg.r.id});
  if (!p) return PaymentOutcome::ignored;
  const std::int64_t total = std::max(p->amount_refunded, e.amount_refunded);
  const bool all = p->amount_paid > 0 && total >= p->amount_paid;
  // A refund that went through after its request seemed to fail (a timeout whose request
  // the provider did carry out) settles that failure: once everything asked for is
  // refunded, the error is gone, and so is the organizer's `refund_failed` flag.
  c.execute("UPDATE payments SET amount_refunded = ?, refund_requested = CASE WHEN refund_requested < ? THEN ? "
            "ELSE refund_requested END, refund_error = CASE WHEN ? >= refund_requested THEN NULL "
            "ELSE refund_error END, status = ?, updated_at = ? WHERE registration_id = ?",
            {total, total, total, total, std::string(all ? "refunded" : p->status), to_millis(now), reg.r.id});
  if (!all) {
    c.execute("UPDATE registrations SET refund_status = 'partially_refunded', updated_at = ? WHERE id = ?",
              {to_millis(now), reg.r.id});
    return PaymentOutcome::refunded;
  }
  lock_event(c, reg.r.event_id);
  if (c.execute("UPDATE registrations SET status = 'refunded', refund_status = 'refunded', updated_at = ? "
                "WHERE id = ? AND status IN ('confirmed', 'pending_payment')",
                {to_millis(now), reg.r.id}) == 1)
    give_back(c, reg.r);
  else
    c.execute("UPDATE registrations SET refund_status = 'refunded', updated_at = ? WHERE id = ?",
              {to_millis(now), reg.r.id});
  return PaymentOutcome::refunded;
}

std::string registration_of(Connection& c, const PaymentEvent& e) {
  if (!e.registration_id.empty()) return e.registration_id;
  if (!e.session_id.empty())
    if (auto p = load_payment(c, "session_id = ?", {e.session_id})) return p->registration_id;
  if (!e.payment_intent.empty()) {
    if (auto p = load_payment(c, "payment_intent = ?", {e.payment_intent})) return p->registration_id;
    auto extra = c.query("SELECT registration_id FROM payment_extras WHERE payment_intent = ?", {e.payment_intent});
    if (!extra.empty()) return extra[0].text(0);
  }
  return {};
}

PaymentOutcome transition(Connection& c, const PaymentEvent& e, Timestamp now, const Notice& notice,
                          PaymentApplied& out) {
  auto reg = load_reg(c, registration_of(c, e));
  if (!reg) return PaymentOutcome::ignored;
  out.registration_id = reg->r.id;
  out.event_id = reg->r.event_id;
  const std::string& t = e.type;
  if (t == "checkout.session.completed" || t == "checkout.session.async_payment_succeeded") {
    if (e.payment_status != "paid") {  // an async method still settling: wait for its event
      ensure_payment(c, e, reg->r, now);
      return PaymentOutcome::ignored;
    }
    return paid(c, e, *reg, now, notice);
  }
  if (t == "checkout.session.expired") return expired(c, e, *reg, now);
  if (t == "checkout.session.async_payment_failed" || t == "payment_intent.payment_failed") {
    c.execute("UPDATE payments SET status = 'failed', updated_at = ? WHERE registration_id = ? AND status = 'open'",
              {to_millis(now), reg->r.id});
    return PaymentOutcome::failed;
  }
  if (t == "charge.refunded") {
    // The refund of a second payment settles that payment only.
    if (!e.payment_intent.empty() &&
        c.execute("UPDATE payment_extras SET refunded = 1 WHERE payment_intent = ? AND refunded = 0 AND ? >= amount",
                  {e.payment_intent, e.amount_refunded}) == 1)
      return PaymentOutcome::refunded;
    if (!e.payment_intent.empty() &&
        !c.query("SELECT 1 FROM payment_extras WHERE payment_intent = ?", {e.payment_intent}).empty())
      return PaymentOutcome::ignored;  // already recorded, or a part of it
    return refunded(c, e, *reg, now);
  }
  if (t == "charge.dispute.created") {
    flag(c, reg->r.id, "disputed", now);
    return PaymentOutcome::disputed;
  }
  return PaymentOutcome::ignored;
}

}  // namespace

void SqlPaymentStore::save_session(const Payment& p) {
  auto conn = db_.writer();
  in_transaction(*conn, [&](Connection& c) {
    const std::vector<Value> values{
        nullable(p.session_id), nullable(p.session_url),
        p.session_expires_at ? Value(to_millis(*p.session_expires_at)) : Value(nullptr),
        p.currency, to_millis(p.updated_at), p.registration_id};
    if (c.execute("UPDATE payments SET session_id = ?, session_url = ?, session_expires_at = ?, status = 'open', "
                  "currency = ?, updated_at = ? WHERE registration_id = ? AND status IN ('open', 'expired', 'failed')",
                  values) == 1)
      return;
    c.execute("INSERT INTO payments (registration_id, provider, session_id, session_url, session_expires_at, "
              "status, currency, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?) "
              "ON CONFLICT (registration_id) DO NOTHING",
              {p.registration_id, p.provider, nullable(p.session_id), nullable(p.session_url),
               p.session_expires_at ? Value(to_millis(*p.session_expires_at)) : Value(nullptr), p.currency,
               to_millis(p.created_at), to_millis(p.updated_at)});
  });
}

std::optional<Payment> SqlPaymentStore::find(const std::string& registration_id) {
  auto conn = db_.reader();
  return load_payment(*conn, "registration_id = ?", {registration_id});
}

PaymentApplied SqlPaymentStore::apply(const PaymentEvent& e, Timestamp now, const Notice& notice) {
  auto conn = db_.writer();
  return in_transaction(*conn, [&](Connection& c) {
    PaymentApplied out;
    if (c.execute("INSERT INTO payment_events (id, type, registration_id, outcome, received_at) "
                  "VALUES (?, ?, ?, 'pending', ?) ON CONFLICT (id) DO NOTHING",
                  {e.id, e.type, e.registration_id.empty() ? Value(nullptr) : Value(e.registration_id),
                   to_millis(now)}) != 1) {
      out.outcome = PaymentOutcome::duplicate;
      return out;
    }
    out.outcome = transition(c, e, now, notice, out);
    c.execute("UPDATE payment_events SET outcome = ? WHERE id = ?", {std::string(to_string(out.outcome)), e.id});
    return out;
  });
}

void SqlPaymentStore::refund_requested(const std::string& registration_id, std::int64_t amount,
                                       const std::string& reason, Timestamp now) {
  auto conn = db_.writer();
  conn->execute("UPDATE payments SET refund_requested = CASE WHEN refund_requested > amount_refunded THEN refund_requested "
                "ELSE amount_refunded END + ?, "
                "refund_reason = ?, refund_error = NULL, updated_at = ? WHERE registration_id = ?",
                {amount, reason, to_millis(now), registration_id});
}

Result<Registration> SqlPaymentStore::mark_paid(const std::string& registration_id, Timestamp now) {
  auto conn = db_.writer();
  auto ok = in_transaction(*conn, [&](Connection& c) {
    auto reg = load_reg(c, registration_id);
    if (!reg) return false;
    if (c.execute("UPDATE registrations SET status = 'confirmed', expires_at = NULL, updated_at = ? "
                  "WHERE id = ? AND status = 'pending_payment'",
                  {to_millis(now), registration_id}) != 1)
      return false;
    c.execute("DELETE FROM payments WHERE registration_id = ?", {registration_id});
    c.execute("INSERT INTO payments (registration_id, provider, status, amount_paid, currency, created_at, "
              "updated_at) VALUES (?, 'door', 'paid', ?, ?, ?, ?)",
              {registration_id, reg->r.total, reg->r.currency, to_millis(now), to_millis(now)});
    return true;
  });
  if (!ok) return Error::conflict("only a registration waiting for payment can be marked paid");
  Registration r;
  r.id = registration_id;
  return r;
}

std::vector<Payment> SqlPaymentStore::unsettled(Timestamp before, int limit) {
  auto conn = db_.reader();
  std::vector<Payment> out;
  for (const auto& row : conn->query(kColumns.select() + " FROM payments WHERE "
                                     "(status = 'open' AND session_id IS NOT NULL AND updated_at < ?) OR "
                                     "refund_requested > amount_refunded ORDER BY updated_at LIMIT ?",
                                     {to_millis(before), std::int64_t{std::max(1, limit)}}))
    out.push_back(payment_of(row));
  return out;
}

std::vector<Payment> SqlPaymentStore::refunds_due(int limit) {
  auto conn = db_.reader();
  std::vector<Payment> out;
  for (const auto& row : conn->query(kColumns.select("p") + " FROM payments p JOIN registrations r ON r.id = p.registration_id "
                                     "WHERE r.refund_status = 'due' AND p.provider = 'stripe' AND p.status = 'paid' "
                                     "AND p.payment_intent IS NOT NULL AND p.refund_requested <= p.amount_refunded "
                                     "AND p.amount_paid > p.amount_refunded ORDER BY p.updated_at LIMIT ?",
                                     {std::int64_t{std::max(1, limit)}}))
    out.push_back(payment_of(row));
  return out;
}

std::vector<ExtraPayment> SqlPaymentStore::extras_unrefunded(int limit) {
  auto conn = db_.reader();
  std::vector<ExtraPayment> out;
  static constexpr ColumnList k{"payment_intent", "registration_id", "amount", "currency",
                                "refund_requested", "refunded"};
  for (const auto& row : conn->query(k.select() +
                                         " FROM payment_extras WHERE refunded = 0 ORDER BY created_at LIMIT ?",
                                     {std::int64_t{std::max(1, limit)}})) {
    ExtraPayment x;
    x.payment_intent = row.text(k["payment_intent"]);
    x.registration_id = row.text(k["registration_id"]);
    x.amount = row.i64(k["amount"]);
    x.currency = row.text(k["currency"]);
    x.refund_requested = row.i64(k["refund_requested"]) != 0;
    x.refunded = row.i64(k["refunded"]) != 0;
    out.push_back(std::move(x));
  }
  return out;
}

void SqlPaymentStore::extra_refund_requested(const std::string& payment_intent, Timestamp now) {
  auto conn = db_.writer();
  in_transaction(*conn, [&](Connection& c) {
    c.execute("UPDATE payment_extras SET refund_requested = 1 WHERE payment_intent = ?", {payment_intent});
    c.execute("UPDATE payments SET refund_error = NULL, updated_at = ? WHERE registration_id = "
              "(SELECT registration_id FROM payment_extras WHERE payment_intent = ?)",
              {to_millis(now), payment_intent});
  });
}

void SqlPaymentStore::refund_error(const std::string& registration_id, std::optional<std::string> message,
                                   Timestamp now) {
  auto conn = db_.writer();
  conn->execute("UPDATE payments SET refund_error = ?, updated_at = ? WHERE registration_id = ?",
                {nullable(message), to_millis(now), registration_id});
}

}  // namespace admit::sql
