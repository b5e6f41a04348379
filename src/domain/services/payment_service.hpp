#pragma once
// PaymentService: paying for registrations (Stripe Checkout through the PaymentGateway),
// the provider's webhooks, refunds, pay-at-the-door marking and reconciliation.
//
// - checkout(): the attendee follows the registration's checkout_url; a Checkout Session is
//   made (or the open one reused) and the attendee sent to it. The provider unreachable is
//   `unavailable` ("try again"): the hold stays as it was.
// - webhook(): the gateway verifies the signature before anything is read; the store
//   applies the event once (PaymentStore::apply). A confirmed registration is issued by
//   the TicketService (on_confirmed wakes it). A late payment that found no seats is
//   refunded here and the attendee told. A second payment for a registration already paid
//   (two checkout sessions both paid) is refunded whole here too.
// - refund(): the organizer refunds all or part of a paid registration through the
//   provider; the refund's state comes back through the webhook (or reconciliation).
// - reconcile(): asks the provider about open sessions whose webhook has not come and about
//   refunds in flight, and applies what it learns as events of its own id, so a lost
//   webhook never leaves a paid attendee without tickets.
#include <functional>
#include <mutex>
#include <string>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "domain/model/actor.hpp"
#include "domain/ports/event_store.hpp"
#include "domain/ports/payment_gateway.hpp"
#include "domain/ports/payment_store.hpp"
#include "domain/ports/registration_store.hpp"

namespace admit {

struct RefundInput {
  std::optional<std::int64_t> amount;  // minor units; default: all that is left
  std::string reason;
};

struct ReconcileResult {
  int checked = 0;
  int applied = 0;  // transitions made from what the provider said
};

class PaymentService {
 public:
  PaymentService(PaymentStore& payments, RegistrationStore& registrations, EventStore& events,
                 PaymentGateway& gateway, const Clock& clock, std::string public_url);

  // Called after a registration was confirmed by a payment (wakes the ticket issuer).
  void on_confirmed(std::function<void()> fn) { on_confirmed_ = std::move(fn); }
  // Called with the event id when a payment event gave seats back (the engine's sold-out
  // flag must drop).
  void on_seats_returned(std::function<void(const std::string&)> fn) { on_seats_returned_ = std::move(fn); }
  // Called with the event id when a late payment took seats again (public counts change).
  void on_seats_taken(std::function<void(const std::string&)> fn) { on_seats_taken_ = std::move(fn); }

  // The provider's checkout page for the caller's pending registration.
  Result<std::string> checkout(const Actor& actor, const std::string& registration_id);
  // A webhook: raw body and Stripe-Signature header. Ok for duplicates and for verified
  // events we do not act on; invalid_signature before anything is parsed.
  Result<PaymentOutcome> webhook(std::string_view body, std::string_view signature);
  Result<Registration> refund(const Actor& actor, const std::string& registration_id, const RefundInput& in);
  Result<Registration> mark_paid(const Actor& actor, const std::string& registration_id);
  // The registration's payment for its owner or organizer (not_found otherwise or when none).
  Result<Payment> payment(const Actor& actor, const std::string& registration_id);
  ReconcileResult reconcile(std::chrono::seconds quiet_for = std::chrono::seconds(60));
  // Asks the provider for every refund that is due and not yet asked for (registrations
  // cancelled after paying, a cancelled event's, late payments without seats). Returns how
  // many were asked. Also part of reconcile().
  int refund_due();

 private:
  PaymentOutcome apply(const PaymentEvent& e);
  void refund_whole(const std::string& registration_id, const std::string& reason);
  // Second payments (paid_twice): each refunded whole, once (the provider's idempotency key).
  int refund_extras();
  int refund_extras_locked();  // refund_pass_ held
  bool settle_refund(const Payment& p);
  Result<Event> managed_event(const Actor& actor, const Registration& r);

  PaymentStore& payments_;
  RegistrationStore& registrations_;
  EventStore& events_;
  PaymentGateway& gateway_;
  const Clock& clock_;
  std::string public_url_;
  std::function<void()> on_confirmed_;
  std::function<void(const std::string&)> on_seats_returned_;
  std::function<void(const std::string&)> on_seats_taken_;
  // One pass over due refunds at a time on this node (the cancel hook and reconciliation
  // may run together): a refund is asked once, not once per pass. Between nodes the
  // provider's idempotency key makes a repeat the same refund.
  std::mutex refund_pass_;
};

}  // namespace admit
