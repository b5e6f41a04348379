#pragma once
// Payment endpoints: the Stripe webhook (public, CSRF-exempt: the signature is the
// credential), checkout (303 to the provider's page, or its URL as JSON), the payment of a
// registration, organizer refunds and pay-at-the-door marking.
#include "domain/services/payment_service.hpp"
#include "http/router.hpp"

namespace admit::http {

void add_payment_routes(Router& router, PaymentService& payments);

}  // namespace admit::http
