#pragma once
// Event catalogue endpoints: public listing and detail, organizer create/edit/publish/cancel.
#include "domain/services/catalog_service.hpp"
#include "http/router.hpp"

namespace admit::http {

void add_event_routes(Router& router, CatalogService& catalog);

}  // namespace admit::http
