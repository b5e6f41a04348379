#include "domain/services/payment_service.hpp"

#include "common/log.hpp"
#include "common/money.hpp"

namespace admit {
namespace {

bool may_manage(const Actor& actor, const Event& e) {
  return e.organizer_id == actor.user_id || actor.is_admin();
}

}  // namespace

PaymentService::PaymentService(PaymentStore& payments, RegistrationStore& registrations, EventStore& events,
                               PaymentGateway& gateway, const Clock& clock, std::string public_url)
    : payments_(payments),
      registrations_(registrations),
      events_(events),
      gateway_(gateway),
      clock_(clock),
      public_url_(std::move(public_url)) {}

Result<std::string> PaymentService::checkout(const Actor& actor, const std::string& registration_id) {
  auto r = registrations_.find(registration_id);
  if (!r || (r->user_id != actor.user_id && !actor.is_admin())) return Error::not_found("registration");
  if (r->status != RegistrationStatus::pending_payment || !r->expires_at)
    return Error::conflict("this registration is not waiting for payment");
  if (!gateway_.enabled())
    return Error::conflict(
        "online payment is not configured on this site; pay the organizer at the door or by invoice "
        "if the event allows it");
  const Timestamp now = clock_.now();
  if (auto p = payments_.find(r->id);
      p && p->status == "open" && p->session_url && p->session_expires_at && *p->session_expires_at > now)
    return *p->session_url;  // the session already made for this hold
  auto event = events_.find_event(r->event_id);
  if (!event) return Error::not_found("event");
  CheckoutRequest req;
  req.success_url = public_url_ + "/registrations/" + r->id + "/paid?session_id={CHECKOUT_SESSION_ID}";
  req.cancel_url = public_url_ + "/registrations/" + r->id + "/payment-cancelled";
  req.expires_at = *r->expires_at;
  auto session = gateway_.create_checkout(*event, *r, req);
  if (!session) return std::move(session).error();
  Payment p;
  p.registration_id = r->id;
  p.session_id = session->id;
  p.session_url = session->url;
  p.session_expires_at = session->expires_at;
  p.currency = r->currency;
  p.created_at = p.updated_at = now;
  payments_.save_session(p);
  return session->url;
}

PaymentOutcome PaymentService::apply(const PaymentEvent& e) {
  auto notice = [this](const Registration& r) {
    auto event = events_.find_event(r.event_id);
    const std::string title = event ? event->title : std::string("the event");
    LateRefundNotice n;
    n.subject = "Your payment for " + title + " is being refunded";
    n.text = "Your payment for " + title + " (" + format_money(r.total, r.currency) +
             ") arrived after your hold on the seats had ended, and the event has no seats left for "
             "it.\nThe full amount is being refunded to you; no tickets were issued.\n";
    return n;
  };
  const PaymentApplied applied = payments_.apply(e, clock_.now(), notice);
  const PaymentOutcome outcome = applied.outcome;
  log::info("payment event", {{"event", e.id}, {"type", e.type}, {"registration", applied.registration_id},
                              {"outcome", std::string(to_string(outcome))}});
  if ((outcome == PaymentOutcome::confirmed || outcome == PaymentOutcome::late_confirmed) && on_confirmed_)
    on_confirmed_();
  if ((outcome == PaymentOutcome::hold_released || outcome == PaymentOutcome::refunded) && on_seats_returned_)
    on_seats_returned_(applied.event_id);
  if (outcome == PaymentOutcome::late_confirmed && on_seats_taken_) on_seats_taken_(applied.event_id);
  if (outcome == PaymentOutcome::late_no_seats) {
    std::lock_guard lock(refund_pass_);
    refund_whole(applied.registration_id, "paid after the hold ended, no seats left");
  }
  if (outcome == PaymentOutcome::paid_twice) refund_extras();
  return outcome;
}

Result<PaymentOutcome> PaymentService::webhook(std::string_view body, std::string_view signature) {
  auto e = gateway_.read_webhook(body, signature, clock_.now());
  if (!e) return std::move(e).error();
  return apply(*e);
}

void PaymentService::refund_whole(const std::string& registration_id, const std::string& reason) {
  auto p = payments_.find(registration_id);
  if (!p || !p->payment_intent || p->amount_paid <= p->amount_refunded) return;
  const std::int64_t amount = p->amount_paid - p->amount_refunded;
  auto done = gateway_.refund(RefundRequest{*p->payment_intent, amount, reason,
                                            "refund-due-" + registration_id + "-" + std::to_string(p->amount_refunded)});
  if (!done) {
    log::warn("refund failed; reconciliation retries",
              {{"registration", registration_id}, {"error", done.error().detail}});
    payments_.refund_error(registration_id, done.error().detail, clock_.now());
    return;
  }
  payments_.refund_requested(registration_id, amount, reason, clock_.now());
}

int PaymentService::refund_due() {
  if (!gateway_.enabled()) return 0;
  std::lock_guard lock(refund_pass_);
  int n = 0;
  for (const auto& p : payments_.refunds_due(200)) {
    refund_whole(p.registration_id, "registration cancelled");
    ++n;
  }
  return n + refund_extras_locked();
}

int PaymentService::refund_extras() {
  if (!gateway_.enabled()) return 0;
  std::lock_guard lock(refund_pass_);
  return refund_extras_locked();
}

int PaymentService::refund_extras_locked() {
  int n = 0;
  for (const auto& x : payments_.extras_unrefunded(200)) {
    if (x.refund_requested) continue;  // asked; its webhook (or reconciliation) settles it
    auto done = gateway_.refund(RefundRequest{x.payment_intent, x.amount, "paid twice for one registration",
                                              "refund-paid-twice-" + x.payment_intent});
    if (!done) {
      log::warn("refund of a second payment failed; reconciliation retries",
                {{"registration", x.registration_id}, {"error", done.error().detail}});
      payments_.refund_error(x.registration_id, done.error().detail, clock_.now());
      continue;
    }
    payments_.extra_refund_requested(x.payment_intent, clock_.now());
    log::info("second payment refunded", {{"registration", x.registration_id}, {"refund", done->id}});
    ++n;
  }
  return n;
}

// A refund asked for and not yet reported by webhook: what the provider says now.
bool PaymentService::settle_refund(const Payment& p) {
  if (!p.payment_intent) return false;
  auto refunded = gateway_.amount_refunded(*p.payment_intent);
  if (!refunded || *refunded <= p.amount_refunded) return false;
  PaymentEvent e;
  e.id = "reconcile:refund:" + *p.payment_intent + ":" + std::to_string(*refunded);
  e.type = "charge.refunded";
  e.registration_id = p.registration_id;
  e.payment_intent = *p.payment_intent;
  e.amount = p.amount_paid;
  e.amount_refunded = *refunded;
  e.currency = p.currency;
  const auto outcome = apply(e);
  return outcome != PaymentOutcome::duplicate && outcome != PaymentOutcome::ignored;
}

Result<Event> PaymentService::managed_event(const Actor& actor, const Registration& r) {
  auto e = events_.find_event(r.event_id);
  if (!e || !may_manage(actor, *e)) return Error::not_found("registration");
  return std::move(*e);
}

Result<Registration> PaymentService::refund(const Actor& actor, const std::string& id, const RefundInput& in) {
  auto r = registrations_.find(id);
  if (!r) return Error::not_found("registration");
  if (auto e = managed_event(actor, *r); !e) return std::move(e).error();
  auto p = payments_.find(id);
  if (!p || p->status != "paid" || p->provider != "stripe" || !p->payment_intent)
    return Error::conflict("this registration has no online payment to refund");
  const std::int64_t left = p->amount_paid - std::max(p->amount_refunded, p->refund_requested);
  if (left <= 0) return Error::conflict("this payment is already refunded in full");
  if (in.reason.empty() || in.reason.size() > 500)
    return Error::field("reason", "must be 1 to 500 characters");
  const std::int64_t amount = in.amount.value_or(left);
  if (amount <= 0 || amount > left)
    return Error::field("amount", "must be between 1 and " + std::to_string(left) + " (minor units left to refund)");
  auto done = gateway_.refund(RefundRequest{*p->payment_intent, amount, in.reason,
                                            "refund-" + id + "-" + std::to_string(p->refund_requested) + "-" +
                                                std::to_string(amount)});
  if (!done) return std::move(done).error();
  payments_.refund_requested(id, amount, in.reason, clock_.now());
  log::info("refund requested", {{"registration", id}, {"amount", amount}, {"refund", done->id}});
  auto fresh = registrations_.find(id);
  if (!fresh) return Error::not_found("registration");
  return std::move(*fresh);
}

Result<Registration> PaymentService::mark_paid(const Actor& actor, const std::string& id) {
  auto r = registrations_.find(id);
  if (!r) return Error::not_found("registration");
  auto e = managed_event(actor, *r);
  if (!e) return std::move(e).error();
  if (!e->pay_at_door) return Error::conflict("this event does not take payment at the door or by invoice (pay_at_door)");
  auto done = payments_.mark_paid(id, clock_.now());
  if (!done) return std::move(done).error();
  if (on_confirmed_) on_confirmed_();
  auto fresh = registrations_.find(id);
  if (!fresh) return Error::not_found("registration");
  return std::move(*fresh);
}

Result<Payment> PaymentService::payment(const Actor& actor, const std::string& id) {
  auto r = registrations_.find(id);
  if (!r) return Error::not_found("registration");
  if (r->user_id != actor.user_id)
    if (auto e = managed_event(actor, *r); !e) return std::move(e).error();
  auto p = payments_.find(id);
  if (!p) return Error::not_found("payment");
  return std::move(*p);
}

ReconcileResult PaymentService::reconcile(std::chrono::seconds quiet_for) {
  ReconcileResult out;
  const Timestamp now = clock_.now();
  for (const auto& p : payments_.unsettled(now - quiet_for, 200)) {
    ++out.checked;
    if (p.refund_requested > p.amount_refunded) {
      if (settle_refund(p)) ++out.applied;
      continue;
    }
    if (p.status != "open" || !p.session_id) continue;
    auto s = gateway_.find_session(*p.session_id);
    if (!s) continue;
    PaymentEvent e;
    e.registration_id = p.registration_id;
    e.session_id = s->id;
    e.payment_intent = s->payment_intent;
    e.payment_status = s->payment_status;
    e.amount = s->amount;
    e.currency = s->currency;
    if (s->status == "complete" && s->payment_status == "paid") e.type = "checkout.session.completed";
    else if (s->status == "expired") e.type = "checkout.session.expired";
    else continue;
    e.id = "reconcile:" + s->id + ":" + s->status;
    auto outcome = apply(e);
    if (outcome != PaymentOutcome::duplicate && outcome != PaymentOutcome::ignored) ++out.applied;
  }
  for (const auto& x : payments_.extras_unrefunded(200)) {
    if (!x.refund_requested) continue;
    auto refunded = gateway_.amount_refunded(x.payment_intent);
    if (!refunded || *refunded < x.amount) continue;
    PaymentEvent e;
    e.id = "reconcile:refund:" + x.payment_intent + ":" + std::to_string(*refunded);
    e.type = "charge.refunded";
    e.registration_id = x.registration_id;
    e.payment_intent = x.payment_intent;
    e.amount = x.amount;
    e.amount_refunded = *refunded;
    e.currency = x.currency;
    if (apply(e) == PaymentOutcome::refunded) ++out.applied;
  }
  out.applied += refund_due();
  return out;
}

}  // namespace admit
