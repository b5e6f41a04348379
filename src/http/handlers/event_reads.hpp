#pragma once
// The public reads of the catalogue: GET /api/v1/events, GET /api/v1/events/{id} and
// GET /api/v1/categories, answered from EventSnapshots (http/event_snapshots.hpp) on the
// network thread when memory has the answer (routes are `nonblocking`), with ETag,
// If-None-Match → 304, gzip and Cache-Control. An event memory does not hold (a draft for
// its organizer, an old or cancelled event not read yet) and a read with `promo_code` go
// to the work pool and the store.
#include "common/work_pool.hpp"
#include "domain/services/catalog_service.hpp"
#include "http/event_snapshots.hpp"
#include "http/handlers/events.hpp"
#include "http/router.hpp"

namespace admit::http {

// Cache-Control of public event data: browsers revalidate every time (a 304 is cheap and
// counts stay exact for them); shared caches (a CDN) may serve it for 2 s.
inline constexpr std::string_view kEventDataCache = "public, max-age=0, s-maxage=2, must-revalidate";

struct PublicReads {
  CatalogService& catalog;
  EventSnapshots& snapshots;
  PromoResolver resolve_promo;  // may be empty: then `promo_code` is ignored
  WorkPool* pool = nullptr;     // where store reads run; null: on the calling thread
};

void add_public_read_routes(Router& router, PublicReads reads);

}  // namespace admit::http
