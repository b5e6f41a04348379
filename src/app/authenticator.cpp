#include "app/authenticator.hpp"

#include "auth/session_cookie.hpp"
#include "common/random.hpp"

namespace admit::app {

std::optional<std::string> StoreAuthenticator::session_secret(const http::Request& req) const {
  if (!accounts_) return std::nullopt;
  auto secret = req.cookie(auth::session_cookie_name(https_));
  if (!secret || !auth::is_session_secret_shape(*secret)) return std::nullopt;
  return std::string(*secret);
}

std::optional<http::Principal> StoreAuthenticator::from_session(const std::optional<SessionAuth>& found) {
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

namespace {

constexpr std::string_view kBearer = "Bearer ";

// The token of an `Authorization: Bearer <token>` header; nullopt for any other shape.
std::optional<std::string_view> bearer_token(std::string_view header) {
  if (header.size() <= kBearer.size() || header.substr(0, kBearer.size()) != kBearer)
    return std::nullopt;
  return header.substr(kBearer.size());
}

}  // namespace

std::optional<http::Principal> StoreAuthenticator::from_token(
    const std::optional<std::pair<ApiToken, User>>& found) const {
  if (!found) return std::nullopt;
  const auto& [api_token, user] = *found;
  if (user.disabled || api_token.expired(clock_.now())) return std::nullopt;
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

std::optional<http::Principal> StoreAuthenticator::authenticate(const http::Request& req) {
  auto auth = req.header("authorization");
  if (!auth) {
    auto secret = session_secret(req);
    return secret ? from_session(accounts_->sessions().authenticate_session(*secret)) : std::nullopt;
  }
  auto token = bearer_token(*auth);
  if (!token) return std::nullopt;
  return from_token(users_.find_token_by_hash(sha256_hex(*token)));
}

bool StoreAuthenticator::authenticate_now(const http::Request& req,
                                          std::optional<http::Principal>& out) {
  auto auth = req.header("authorization");
  if (!auth) {
    auto secret = session_secret(req);
    std::optional<SessionAuth> found;
    if (secret && !accounts_->sessions().authenticate_session_now(*secret, found)) return false;
    out = from_session(found);
    return true;
  }
  auto token = bearer_token(*auth);
  if (!token) {
    out.reset();
    return true;
  }
  auto cached = users_.peek_token_by_hash(sha256_hex(*token));
  if (!cached) return false;
  out = from_token(cached);
  return true;
}

}  // namespace admit::app
