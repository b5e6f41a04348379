#include "app/authenticator.hpp"

#include "auth/session_cookie.hpp"
#include "common/random.hpp"

namespace admit::app {

std::optional<http::Principal> StoreAuthenticator::from_session(const http::Request& req) {
  if (!accounts_) return std::nullopt;
  auto secret = req.cookie(auth::session_cookie_name(https_));
  if (!secret || !auth::is_session_secret_shape(*secret)) return std::nullopt;
  auto found = accounts_->authenticate_session(*secret);
  if (!found) return std::nullopt;
  http::Principal p;
  p.user_id = found->user.id;
  p.email = found->user.email;
  p.name = found->user.name;
  p.roles = found->user.roles;
  p.via = http::Principal::Via::session;
  p.credential_id = found->session.id;
  return p;
}

std::optional<http::Principal> StoreAuthenticator::authenticate(const http::Request& req) {
  auto auth = req.header("authorization");
  if (!auth) return from_session(req);
  constexpr std::string_view kBearer = "Bearer ";
  if (auth->size() <= kBearer.size() || auth->substr(0, kBearer.size()) != kBearer)
    return std::nullopt;
  auto token = auth->substr(kBearer.size());
  auto found = users_.find_token_by_hash(sha256_hex(token));
  if (!found) return std::nullopt;
  const auto& [api_token, user] = *found;
  if (user.disabled) return std::nullopt;
  http::Principal p;
  p.user_id = user.id;
  p.email = user.email;
  p.name = user.name;
  p.roles = user.roles;
  p.via = http::Principal::Via::bearer;
  p.credential_id = api_token.id;
  p.event_scope = api_token.event_scope;
  return p;
}

}  // namespace admit::app
