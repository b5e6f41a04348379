#pragma once
// Ticket endpoints: GET /api/v1/tickets/{id}/pdf answers 303 to a short-lived signed link,
// and GET /api/v1/files/tickets/{registration}.pdf serves such a link. Both run on the
// PDF pool (a lost PDF is rendered again there), never on a network thread; a full pool
// answers 503 with Retry-After.
#include "common/work_pool.hpp"
#include "domain/services/ticket_service.hpp"
#include "http/router.hpp"

namespace admit::http {

void add_ticket_routes(Router& router, TicketService& tickets, WorkPool& pdf_pool);

}  // namespace admit::http
