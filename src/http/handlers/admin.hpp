#pragma once
// Administration: GET /api/v1/admin/users (search, pages), POST .../{id}/disable and
// .../{id}/enable. The service checks the admin role.
#include "domain/services/account_service.hpp"
#include "http/router.hpp"

namespace admit::http {

void add_admin_routes(Router& router, AccountService& accounts);

}  // namespace admit::http
