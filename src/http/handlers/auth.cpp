#include "http/handlers/auth.hpp"

#include <map>

#include "auth/session_cookie.hpp"
#include "http/handlers/offload.hpp"
#include "http/handlers/support.hpp"
#include "http/handlers/views.hpp"

namespace admit::http {
namespace {

namespace json = boost::json;

constexpr std::size_t kPasswordBytesMax = 1024;  // the rule counts characters; this bounds bytes

// Reads a strict JSON object with the given string fields (all required).
struct Fields {
  std::map<std::string, std::string, std::less<>> values;
  const std::string& operator[](std::string_view k) const { return values.find(k)->second; }
};

Result<Fields> read_fields(const Request& req, std::initializer_list<std::pair<const char*, std::size_t>> spec) {
  auto body = json_body(req);
  if (!body) return std::move(body).error();
  FieldErrors errors;
  JsonObjectReader r(*body, errors);
  Fields f;
  for (auto [name, max] : spec) f.values[name] = r.string(name, Need::required, max).value_or("");
  r.finish();
  if (!errors.empty()) return std::move(errors).to_error();
  return f;
}

Response answer_status(int status, std::string_view word) {
  return Response::json(status, json::object{{"status", word}});
}

// Forgotten passwords: the mail with the link, then the new password (public routes).
void add_password_reset_routes(Router& router, AccountService& accounts, WorkPool& hash_pool,
                               bool https) {
  const RouteOptions kOpen{.allow = kPublic};
  router.post("/api/v1/auth/password-reset", sync([&accounts](Request& req) {
                auto f = read_fields(req, {{"email", 1000}});
                if (!f) return problem(req, f.error());
                if (auto s = accounts.signup().request_password_reset((*f)["email"], client_of(req)); !s)
                  return problem(req, s.error());
                return answer_status(202, "reset_sent");
              }),
              kOpen);

  router.post("/api/v1/auth/password-reset/confirm",
              [&accounts, &hash_pool, https](Request& req, Respond respond) {
                auto f = read_fields(req, {{"token", 512}, {"password", kPasswordBytesMax}});
                if (!f) return respond(problem(req, f.error()));
                auto pending =
                    accounts.signup().begin_password_reset((*f)["token"], (*f)["password"], client_of(req));
                if (!pending) return respond(problem(req, pending.error()));
                std::string request_id = req.request_id;
                offload(hash_pool, req, respond,
                        [&accounts, p = std::move(*pending), request_id, https] {
                          if (auto s = accounts.signup().finish_password_reset(p); !s)
                            return Response::problem(s.error(), request_id);
                          Response r = Response::no_content();
                          r.header("Set-Cookie", auth::clear_session_cookie(https));
                          return r;
                        });
              },
              kOpen);
}

}  // namespace

void add_auth_routes(Router& router, AccountService& accounts, WorkPool& hash_pool,
                     SessionCookieOptions cookie) {
  const bool https = cookie.https;
  // Signing up and in is for callers without an account session yet: all public.
  const RouteOptions kOpen{.allow = kPublic};

  router.post("/api/v1/auth/signup", [&accounts, &hash_pool](Request& req, Respond respond) {
    auto f = read_fields(req, {{"email", 1000}, {"password", kPasswordBytesMax}, {"name", 2000}, {"role", 100}});
    if (!f) return respond(problem(req, f.error()));
    auto pending = accounts.signup().begin_signup(
        SignupInput{(*f)["email"], (*f)["password"], (*f)["name"], (*f)["role"]}, client_of(req));
    if (!pending) return respond(problem(req, pending.error()));
    std::string request_id = req.request_id;
    offload(hash_pool, req, respond, [&accounts, p = std::move(*pending), request_id] {
      if (auto s = accounts.signup().finish_signup(p); !s) return Response::problem(s.error(), request_id);
      return answer_status(202, "verification_sent");
    });
  },
              kOpen);

  router.post("/api/v1/auth/verify", sync([&accounts](Request& req) {
                auto f = read_fields(req, {{"token", 512}});
                if (!f) return problem(req, f.error());
                auto user = accounts.signup().verify_email((*f)["token"], client_of(req));
                if (!user) return problem(req, user.error());
                return answer_status(200, "verified");
              }),
              kOpen);

  router.post("/api/v1/auth/verify/resend", sync([&accounts](Request& req) {
                auto f = read_fields(req, {{"email", 1000}});
                if (!f) return problem(req, f.error());
                if (auto s = accounts.signup().resend_verification((*f)["email"], client_of(req)); !s)
                  return problem(req, s.error());
                return answer_status(202, "verification_sent");
              }),
              kOpen);

  router.post("/api/v1/auth/login", [&accounts, &hash_pool, https](Request& req, Respond respond) {
    auto f = read_fields(req, {{"email", 1000}, {"password", kPasswordBytesMax}});
    if (!f) return respond(problem(req, f.error()));
    auto pending = accounts.sessions().begin_login((*f)["email"], (*f)["password"], client_of(req));
    if (!pending) return respond(problem(req, pending.error()));
    // Signing in again from a signed-in browser replaces its session.
    std::optional<std::string> previous;
    if (req.principal && req.principal->via == Principal::Via::session)
      previous = req.principal->credential_id;
    std::string request_id = req.request_id;
    offload(hash_pool, req, respond,
            [&accounts, p = std::move(*pending), previous, request_id, https] {
              auto signed_in = accounts.sessions().finish_login(p);
              if (!signed_in) return Response::problem(signed_in.error(), request_id);
              if (previous) accounts.sessions().logout(*previous, p.client);
              return Response::json(200, json::object{{"user", user_json(signed_in->user)}})
                  .header("Set-Cookie",
                          auth::session_cookie(signed_in->secret, https,
                                               accounts.settings().session_absolute))
                  .header("Cache-Control", "no-store");
            });
  },
              kOpen);

  router.post("/api/v1/auth/logout", sync([&accounts, https](Request& req) {
                if (req.principal && req.principal->via == Principal::Via::session)
                  accounts.sessions().logout(req.principal->credential_id, client_of(req));
                Response r = Response::no_content();
                r.header("Set-Cookie", auth::clear_session_cookie(https));
                return r;
              }),
              kOpen);

  add_password_reset_routes(router, accounts, hash_pool, https);
}

}  // namespace admit::http
