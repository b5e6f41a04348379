#include "app/authenticator.hpp"

#include "common/random.hpp"

namespace admit::app {

std::optional<http::Principal> StoreAuthenticator::authenticate(const http::Request& req) {
  auto auth = req.header("authorization");
  if (!auth) return std::nullopt;
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
