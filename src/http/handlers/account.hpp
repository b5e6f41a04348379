#pragma once
// The signed-in user's account: GET/PATCH/DELETE /api/v1/me, sessions (list, sign out
// everywhere) and API tokens (create, list, revoke). Password checks run on `hash_pool`.
#include "common/work_pool.hpp"
#include "domain/services/account_service.hpp"
#include "http/handlers/auth.hpp"
#include "http/router.hpp"

namespace admit::http {

void add_account_routes(Router& router, AccountService& accounts, WorkPool& hash_pool,
                        SessionCookieOptions cookie);

}  // namespace admit::http
