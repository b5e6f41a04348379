#pragma once
// Sign-up, email verification, sign-in and out, password reset (POST /api/v1/auth/...).
// Password hashing runs on `hash_pool`; a full pool answers 503 with Retry-After.
#include "common/work_pool.hpp"
#include "domain/services/account_service.hpp"
#include "http/router.hpp"

namespace admit::http {

struct SessionCookieOptions {
  bool https = false;  // Secure + __Host- prefix
};

void add_auth_routes(Router& router, AccountService& accounts, WorkPool& hash_pool,
                     SessionCookieOptions cookie);

}  // namespace admit::http
