#pragma once
// PaymentGateway: where a pending_payment registration is paid (Stripe Checkout in
// payments/stripe_gateway; payments/no_payment_gateway when none is configured).
//
// checkout_url() is called by the registration engine after commit, on its writer thread,
// so it never calls out: the Stripe gateway answers a link into this server
// (`/api/v1/registrations/{id}/checkout`) that creates the Checkout Session when the
// attendee follows it (PaymentService::checkout). Everything else here may block on the
// network (bounded retries, timeouts) and is called from work-pool threads only.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "common/time.hpp"
#include "domain/model/event.hpp"
#include "domain/model/registration.hpp"

namespace admit {

// A hosted checkout page for one registration.
struct CheckoutSession {
  std::string id;
  std::string url;
  std::optional<Timestamp> expires_at;
};

struct CheckoutRequest {
  std::string success_url;
  std::string cancel_url;
  Timestamp expires_at;  // the session's end (the gateway keeps it within its own limits)
};

// What a verified webhook (or a look-up during reconciliation) says happened.
struct PaymentEvent {
  std::string id;    // the provider's event id: each is acted on once
  std::string type;  // e.g. "checkout.session.completed"
  std::string registration_id;   // metadata / client_reference_id, when the object carries it
  std::string session_id;
  std::string payment_intent;
  std::string payment_status;    // "paid", "unpaid", "no_payment_required"
  std::int64_t amount = 0;       // minor units (amount_total or the charge's amount)
  std::string currency;          // lower-case as Stripe sends it
  std::int64_t amount_refunded = 0;
  Timestamp created{};
};

// The state of a checkout session, as the provider sees it now.
struct SessionState {
  std::string id;
  std::string status;          // open | complete | expired
  std::string payment_status;  // paid | unpaid | no_payment_required
  std::string payment_intent;
  std::int64_t amount = 0;
  std::string currency;
};

struct RefundRequest {
  std::string payment_intent;
  std::int64_t amount = 0;  // minor units
  std::string reason;       // free text kept in metadata
  std::string idempotency_key;
};

struct RefundResult {
  std::string id;
  std::string status;  // pending | succeeded | failed
  std::int64_t amount = 0;
};

class PaymentGateway {
 public:
  virtual ~PaymentGateway() = default;
  // Whether payments can be taken at all (a secret key is configured).
  virtual bool enabled() const { return false; }
  // The URL where the attendee pays this registration, or nullopt when none is configured.
  // Must not block (see above).
  virtual std::optional<std::string> checkout_url(const Event& event, const Registration& r) = 0;
  // Creates (idempotently per registration) a hosted checkout session.
  virtual Result<CheckoutSession> create_checkout(const Event&, const Registration&,
                                                  const CheckoutRequest&) {
    return Error::unavailable(0, "payments are not configured");
  }
  // Verifies a webhook's signature header against the raw body BEFORE anything is parsed,
  // then reads the event. invalid_signature when the signature is missing, garbled, stale
  // or wrong; bad_request when a verified body is not an event we can read.
  virtual Result<PaymentEvent> read_webhook(std::string_view, std::string_view, Timestamp) {
    return Error{ErrorCode::invalid_signature, "payments are not configured", {}, 0};
  }
  virtual Result<SessionState> find_session(const std::string&) {
    return Error::unavailable(0, "payments are not configured");
  }
  // How much of a payment has been refunded so far (minor units), as the provider sees it.
  virtual Result<std::int64_t> amount_refunded(const std::string&) {
    return Error::unavailable(0, "payments are not configured");
  }
  virtual Result<RefundResult> refund(const RefundRequest&) {
    return Error::unavailable(0, "payments are not configured");
  }
};

}  // namespace admit
