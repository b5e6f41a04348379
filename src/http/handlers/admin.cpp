#include "http/handlers/admin.hpp"

#include <boost/json/array.hpp>

#include "http/handlers/offload.hpp"
#include "http/handlers/support.hpp"
#include "http/handlers/views.hpp"

namespace admit::http {
namespace {

namespace json = boost::json;

Response set_disabled(AccountService& accounts, Request& req, bool disabled) {
  const Actor actor = caller_of(req);
  return respond_with(req, accounts.admin().set_disabled(actor, req.param("id"), disabled, client_of(req)),
                      200, [](const User& u) { return admin_user_json(u); });
}

}  // namespace

void add_admin_routes(Router& router, AccountService& accounts) {
  // Administrators only; the service checks the role again.
  const RouteOptions kAdminOnly{.allow = kAdmin};
  router.get("/api/v1/admin/users", sync([&accounts](Request& req) {
               const Actor actor = caller_of(req);
               FieldErrors errors;
               UserListQuery q;
               q.q = req.query("q");
               if (q.q && q.q->empty()) q.q.reset();
               q.cursor = req.query("cursor");
               if (q.cursor && q.cursor->empty()) q.cursor.reset();
               q.limit = static_cast<int>(query_int(req, "limit", 1, 200, errors).value_or(50));
               if (!errors.empty()) return problem(req, std::move(errors).to_error());
               auto page = accounts.admin().list_users(actor, q);
               if (!page) return problem(req, page.error());
               json::array items;
               for (const auto& u : page->items) items.push_back(admin_user_json(u));
               json::object body{{"items", std::move(items)}};
               body["next_cursor"] =
                   page->next_cursor ? json::value(*page->next_cursor) : json::value(nullptr);
               return Response::json(200, body);
             }), kAdminOnly);

  router.post("/api/v1/admin/users/{id}/disable",
              sync([&accounts](Request& req) { return set_disabled(accounts, req, true); }), kAdminOnly);
  router.post("/api/v1/admin/users/{id}/enable",
              sync([&accounts](Request& req) { return set_disabled(accounts, req, false); }), kAdminOnly);
}

}  // namespace admit::http
