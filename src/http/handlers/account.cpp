#include "http/handlers/account.hpp"

#include <boost/json/array.hpp>

#include "auth/session_cookie.hpp"
#include "http/handlers/offload.hpp"
#include "http/handlers/support.hpp"
#include "http/handlers/views.hpp"

namespace admit::http {
namespace {

namespace json = boost::json;

std::optional<std::string> current_session(const Request& req) {
  if (req.principal && req.principal->via == Principal::Via::session)
    return req.principal->credential_id;
  return std::nullopt;
}

Result<ProfileChange> read_profile_change(const Request& req) {
  auto body = json_body(req);
  if (!body) return std::move(body).error();
  FieldErrors errors;
  JsonObjectReader r(*body, errors);
  ProfileChange c;
  c.name = r.string("name", Need::optional, 2000);
  c.email = r.string("email", Need::optional, 1000);
  c.current_password = r.string("current_password", Need::optional, 1024);
  c.password = r.string("password", Need::optional, 1024);
  r.finish();
  if (!errors.empty()) return std::move(errors).to_error();
  return c;
}

// The caller's own sessions and API tokens.
void add_session_and_token_routes(Router& router, AccountService& accounts, bool https) {
  router.get("/api/v1/me/sessions", sync([&accounts](Request& req) {
               const Actor actor = caller_of(req);
               auto list = accounts.sessions().sessions(actor);
               if (!list) return problem(req, list.error());
               auto current = current_session(req);
               json::array items;
               for (const auto& s : *list) items.push_back(session_json(s, current && *current == s.id));
               return Response::json(200, json::object{{"items", std::move(items)}});
             }));

  router.del("/api/v1/me/sessions", sync([&accounts, https](Request& req) {
               const Actor actor = caller_of(req);
               if (auto s = accounts.sessions().sign_out_everywhere(actor, client_of(req)); !s)
                 return problem(req, s.error());
               Response r = Response::no_content();
               r.header("Set-Cookie", auth::clear_session_cookie(https));
               return r;
             }));

  router.del("/api/v1/me/sessions/{id}", sync([&accounts](Request& req) {
               const Actor actor = caller_of(req);
               if (auto s = accounts.sessions().end_session(actor, req.param("id"), client_of(req)); !s)
                 return problem(req, s.error());
               return Response::no_content();
             }));

  router.get("/api/v1/me/tokens", sync([&accounts](Request& req) {
               const Actor actor = caller_of(req);
               auto list = accounts.tokens().api_tokens(actor);
               if (!list) return problem(req, list.error());
               json::array items;
               for (const auto& t : *list) items.push_back(api_token_json(t));
               return Response::json(200, json::object{{"items", std::move(items)}});
             }));

  router.post("/api/v1/me/tokens", sync([&accounts](Request& req) {
                const Actor actor = caller_of(req);
                auto body = json_body(req);
                if (!body) return problem(req, body.error());
                FieldErrors errors;
                JsonObjectReader r(*body, errors);
                auto name = r.string("name", Need::required, 1000);
                auto event_id = r.string("event_id", Need::optional, 200);
                auto expires_at = r.time("expires_at");  // null or absent: no expiry
                r.finish();
                if (!errors.empty()) return problem(req, std::move(errors).to_error());
                auto created = accounts.tokens().create_api_token(actor, name.value_or(""), event_id,
                                                                  client_of(req), expires_at);
                if (!created) return problem(req, created.error());
                auto out = api_token_json(created->token);
                out["token"] = created->secret;
                return Response::json(201, out).header("Cache-Control", "no-store");
              }));

  router.del("/api/v1/me/tokens/{id}", sync([&accounts](Request& req) {
               const Actor actor = caller_of(req);
               if (auto s = accounts.tokens().revoke_api_token(actor, req.param("id"), client_of(req)); !s)
                 return problem(req, s.error());
               return Response::no_content();
             }));
}

}  // namespace

void add_account_routes(Router& router, AccountService& accounts, WorkPool& hash_pool,
                        SessionCookieOptions cookie) {
  const bool https = cookie.https;

  router.get("/api/v1/me", sync([&accounts](Request& req) {
               const Actor actor = caller_of(req);
               return respond_with(req, accounts.profile().me(actor), 200,
                                   [](const User& u) { return user_json(u); })
                   .header("Cache-Control", "no-store");
             }));

  // The web app's "who am I" on every page: signed out is an answer, not an error (a 401
  // from GET /api/v1/me would be a console error on every signed-out page).
  router.get("/api/v1/session", sync([&accounts](Request& req) {
               json::value user = nullptr;
               if (auto actor = actor_of(req)) {
                 auto me = accounts.profile().me(*actor);
                 if (!me && me.error().code != ErrorCode::not_found &&
                     me.error().code != ErrorCode::unauthenticated)
                   return problem(req, me.error());
                 if (me) user = user_json(*me);
               }
               return Response::json(200, json::object{{"user", std::move(user)}})
                   .header("Cache-Control", "no-store");
             }),
             {.allow = kPublic});

  router.patch("/api/v1/me", [&accounts, &hash_pool](Request& req, Respond respond) {
    const Actor actor = caller_of(req);
    auto change = read_profile_change(req);
    if (!change) return respond(problem(req, change.error()));
    auto pending = accounts.profile().begin_update_profile(actor, current_session(req),
                                                 std::move(*change), client_of(req));
    if (!pending) return respond(problem(req, pending.error()));
    std::string request_id = req.request_id;
    const bool slow = pending->needs_password_check;
    auto finish = [&accounts, p = std::move(*pending), request_id] {
      auto user = accounts.profile().finish_update_profile(p);
      if (!user) return Response::problem(user.error(), request_id);
      return Response::json(200, user_json(*user));
    };
    if (slow) offload(hash_pool, req, respond, std::move(finish));
    else respond(finish());
  });

  router.del("/api/v1/me", sync([&accounts, https](Request& req) {
               const Actor actor = caller_of(req);
               if (auto s = accounts.profile().delete_account(actor, client_of(req)); !s)
                 return problem(req, s.error());
               Response r = Response::no_content();
               r.header("Set-Cookie", auth::clear_session_cookie(https));
               return r;
             }));

  add_session_and_token_routes(router, accounts, https);
}

}  // namespace admit::http
