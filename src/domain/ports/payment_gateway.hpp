#pragma once
// PaymentGateway: where a pending_payment registration is paid. The payments issue plugs a
// Stripe Checkout implementation in here; until then NoPaymentGateway answers "no checkout
// configured" (checkout_url null) and holds simply expire unless a payment arrives later.
#include <optional>
#include <string>

#include "domain/model/event.hpp"
#include "domain/model/registration.hpp"

namespace admit {

class PaymentGateway {
 public:
  virtual ~PaymentGateway() = default;
  // The URL where the attendee pays this registration, or nullopt when none is configured.
  // Called by the registration engine after commit, on its writer thread: an
  // implementation that calls out over the network must hand the work to a pool and
  // return quickly (e.g. answer nullopt and let GET /registrations/{id} show the URL).
  virtual std::optional<std::string> checkout_url(const Event& event, const Registration& r) = 0;
};

// No payment provider configured: checkout_url is always null.
class NoPaymentGateway final : public PaymentGateway {
 public:
  std::optional<std::string> checkout_url(const Event&, const Registration&) override {
    return std::nullopt;
  }
};

}  // namespace admit
