#pragma once
// Event catalogue endpoints of organizers: create/edit/publish/cancel, their own list.
#include <functional>
#include <string>

#include "domain/model/registration.hpp"
#include "domain/services/catalog_service.hpp"
#include "domain/services/registration_service.hpp"
#include "http/router.hpp"

namespace admit::http {

// Resolves `GET /api/v1/events/{id}?promo_code=X` for a visible event: the promo code when
// it can be used now, else an error naming `promo_code`, or rate_limited when `who` tried
// too many codes (RegistrationService::try_promo).
using PromoResolver = std::function<Result<PromoCode>(const Event& event, const std::string& code,
                                                      const PromoAttempt& who)>;

// The organizer's endpoints (create, edit, publish, cancel, own list). The public reads
// are in event_reads.hpp.
void add_event_routes(Router& router, CatalogService& catalog);

}  // namespace admit::http
