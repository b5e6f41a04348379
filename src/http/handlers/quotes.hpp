#pragma once
// POST /api/v1/events/{id}/quote: what an order would cost and which ticket types can be
// bought now, answered by the registration rules (domain/services/registration_rules) so
// that no client prices an order or decides "on sale / not yet / ended / sold out" itself.
// Nothing is held or written; a promo code counts as one attempt of the caller
// (RegistrationService::try_promo), as on the event page.
#include <vector>

#include <boost/json/value.hpp>

#include "common/clock.hpp"
#include "common/json_input.hpp"
#include "domain/services/catalog_service.hpp"
#include "domain/services/registration_rules.hpp"
#include "domain/services/registration_service.hpp"
#include "http/router.hpp"

namespace admit::http {

struct Quotes {
  CatalogService& catalog;
  RegistrationService& registrations;
  const Clock& clock;
};

void add_quote_routes(Router& router, Quotes quotes);

// Reads an order's `items: [{ticket_type_id, quantity}]` (required) from `r` into `out`, as
// registering and quoting both take it; problems go to `errors`, named by field path.
void read_order_items(JsonObjectReader& r, FieldErrors& errors, std::vector<RequestedItem>& out);

}  // namespace admit::http
