#pragma once
// No payment provider configured: checkout_url is always null, paid holds simply expire
// unless the organizer marks them paid (pay at the door / by invoice).
#include "domain/ports/payment_gateway.hpp"

namespace admit::payments {

class NoPaymentGateway final : public PaymentGateway {
 public:
  std::optional<std::string> checkout_url(const Event&, const Registration&) override {
    return std::nullopt;
  }
};

}  // namespace admit::payments
