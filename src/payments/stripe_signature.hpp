#pragma once
// Stripe webhook signatures: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]`,
// each v1 the HMAC-SHA256 of "<t>.<raw body>" under an endpoint secret. Verified before the
// body is parsed: any v1 under any configured secret (rotation) counts, compared in
// constant time; the timestamp must be within `tolerance` of now, either side.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "common/time.hpp"

namespace admit::payments {

// Ok, or invalid_signature naming what was wrong (missing, garbled, stale, no match).
Status verify_stripe_signature(std::string_view payload, std::string_view header,
                               const std::vector<std::string>& secrets, Timestamp now,
                               std::chrono::seconds tolerance = std::chrono::seconds(300));

// The header value for this payload, time and secret (used by tests and the CLI).
std::string stripe_signature_header(std::string_view payload, std::int64_t unix_seconds,
                                    std::string_view secret);

}  // namespace admit::payments
