#pragma once
// Check-in endpoints (API.md, issue 12): scanning, the offline bundle and its sync (open
// to door tokens of the event), undo and the scan list (organizers).
#include "domain/services/checkin_service.hpp"
#include "http/router.hpp"

namespace admit::http {

void add_checkin_routes(Router& router, CheckinService& checkins);

}  // namespace admit::http
