#pragma once
// PaymentStore: payments of registrations and the provider events that moved them.
// Implemented once in SQL for both backends (storage/sql/sql_payment_store.cpp).
//
// apply() is the one place a payment changes a registration. In ONE transaction it records
// the provider's event id (a duplicate changes nothing and answers `duplicate`) and makes
// the transition with conditional updates (`... WHERE status = 'pending_payment'`), so
// events that arrive twice, concurrently or out of order cause each transition once. A
// confirmed registration is then issued by the ticket service like a free one: one ticket
// set, one mail.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "common/time.hpp"
#include "domain/model/registration.hpp"
#include "domain/ports/payment_gateway.hpp"

namespace admit {

struct Payment {
  std::string registration_id;
  std::string provider = "stripe";  // stripe | door
  std::optional<std::string> session_id;
  std::optional<std::string> session_url;
  std::optional<Timestamp> session_expires_at;
  std::optional<std::string> payment_intent;
  std::string status = "open";  // open | paid | failed | expired | refunded
  std::int64_t amount_paid = 0;
  std::int64_t amount_refunded = 0;
  std::int64_t refund_requested = 0;  // in flight while above amount_refunded
  std::string currency;
  std::optional<std::string> flag;  // amount_mismatch | disputed | late_no_seats | paid_twice
  std::optional<std::string> refund_error;  // the provider refused the last refund asked
  std::optional<std::string> refund_reason;
  Timestamp created_at{};
  Timestamp updated_at{};
};

enum class PaymentOutcome {
  duplicate,       // this event id was seen before: nothing done
  confirmed,       // pending_payment -> confirmed
  late_confirmed,  // expired hold, seats still free: taken again and confirmed
  late_no_seats,   // expired hold, sold out meanwhile: flagged, the service refunds
  mismatch,        // amount or currency differ from the registration: flagged, nothing issued
  hold_released,   // checkout expired while the hold was live: seats returned
  failed,          // payment failed: recorded, the hold stays until it ends
  refunded,        // refund recorded (all of it: the registration is refunded)
  disputed,        // flagged for the organizer
  paid_twice,      // a second payment for a registration already paid: recorded, refunded
  ignored,         // verified but nothing to do (unknown registration, already settled)
};
std::string_view to_string(PaymentOutcome o) noexcept;

struct PaymentApplied {
  PaymentOutcome outcome = PaymentOutcome::ignored;
  std::string registration_id;  // the registration the event was about ("" when unknown)
  std::string event_id;         // its event (seats may have come back)
};

// The mail an attendee gets when a late payment could not take its seats.
struct LateRefundNotice {
  std::string to;
  std::string subject;
  std::string text;
};

// A payment beyond the one that settled its registration (PaymentOutcome::paid_twice).
struct ExtraPayment {
  std::string payment_intent;
  std::string registration_id;
  std::int64_t amount = 0;
  std::string currency;
  bool refund_requested = false;
  bool refunded = false;
};

class PaymentStore {
 public:
  virtual ~PaymentStore() = default;
  // Creates or replaces the registration's open checkout session.
  virtual void save_session(const Payment& payment) = 0;
  virtual std::optional<Payment> find(const std::string& registration_id) = 0;
  // Records the event and applies it (see above). `late_notice` writes the attendee's mail
  // for late_no_seats, queued in the same transaction.
  virtual PaymentApplied apply(const PaymentEvent& event, Timestamp now,
                               const std::function<LateRefundNotice(const Registration&)>& late_notice) = 0;
  // A refund asked of the provider: counted as pending until the webhook (or
  // reconciliation) reports it.
  virtual void refund_requested(const std::string& registration_id, std::int64_t amount,
                                const std::string& reason, Timestamp now) = 0;
  // Pay at the door / by invoice: pending_payment -> confirmed by the organizer.
  virtual Result<Registration> mark_paid(const std::string& registration_id, Timestamp now) = 0;
  // Open sessions last changed before `before` and payments with refunds in flight, for
  // reconciliation.
  virtual std::vector<Payment> unsettled(Timestamp before, int limit) = 0;
  // Stripe payments of registrations whose refund is due (cancelled by the attendee, the
  // organizer or with their event; paid too late) and not yet asked for.
  virtual std::vector<Payment> refunds_due(int limit) = 0;
  // Second payments not yet reported refunded (asked or not), oldest first.
  virtual std::vector<ExtraPayment> extras_unrefunded(int limit) = 0;
  virtual void extra_refund_requested(const std::string& payment_intent, Timestamp now) = 0;
  // The provider refused a refund of the registration's money (nullopt: a refund was taken
  // since); shown to the organizer as the payment flag `refund_failed`.
  virtual void refund_error(const std::string& registration_id, std::optional<std::string> message,
                            Timestamp now) = 0;
};

}  // namespace admit
