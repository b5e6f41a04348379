#pragma once
// Stripe Checkout over libcurl (test mode in development; any Stripe-protocol server
// through api_base). Requests are form-encoded with the secret key as bearer (never
// logged), a pinned Stripe-Version, and an Idempotency-Key on every POST so a retry
// after a timeout cannot create a second session or refund. Network failures, 429 and
// 5xx are retried (bounded, doubling backoff) with the same key; what still fails is
// `unavailable` ("try again"), and the registration's hold is left as it was.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "domain/ports/payment_gateway.hpp"

namespace admit::payments {

struct StripeOptions {
  std::string api_base = "https://api.stripe.com";
  std::string secret_key;
  std::vector<std::string> webhook_secrets;  // several during a rotation
  std::string public_url;                    // links into this server and its web app
  std::string api_version = "2024-06-20";
  long timeout_seconds = 10;
  int attempts = 3;
  std::chrono::milliseconds first_backoff{200};
};

class StripeGateway final : public PaymentGateway {
 public:
  explicit StripeGateway(StripeOptions options);

  bool enabled() const override { return true; }
  std::optional<std::string> checkout_url(const Event& event, const Registration& r) override;
  Result<CheckoutSession> create_checkout(const Event& event, const Registration& r,
                                          const CheckoutRequest& request) override;
  Result<PaymentEvent> read_webhook(std::string_view payload, std::string_view signature,
                                    Timestamp now) override;
  Result<SessionState> find_session(const std::string& session_id) override;
  Result<RefundResult> refund(const RefundRequest& request) override;
  Result<std::int64_t> amount_refunded(const std::string& payment_intent) override;

  // Stripe accepts expires_at 30 minutes to 24 hours ahead; a shorter hold gets a
  // 30-minute session (a payment after the hold is a late payment: PaymentService).
  static Timestamp session_expiry(Timestamp now, Timestamp hold_end);

 private:
  struct Reply {
    long status = 0;
    std::string body;
  };
  using Form = std::vector<std::pair<std::string, std::string>>;
  Result<Reply> call(const std::string& method, const std::string& path, const Form& form,
                     const std::string& idempotency_key);
  Result<Reply> call_once(const std::string& method, const std::string& path,
                          const std::string& body, const std::string& idempotency_key);
  StripeOptions o_;
};

// "a=1&b%5Bc%5D=2": Stripe's form encoding (nested keys written by the caller).
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& form);

}  // namespace admit::payments
