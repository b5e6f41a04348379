#include "auth/session_cookie.hpp"

namespace admit::auth {

std::string_view session_cookie_name(bool https) noexcept {
  return https ? "__Host-admit_session" : "admit_session";
}

namespace {
std::string attributes(bool https) {
  std::string a = "; Path=/; HttpOnly; SameSite=Lax";
  if (https) a += "; Secure";
  return a;
}
}  // namespace

std::string session_cookie(std::string_view secret, bool https, std::chrono::seconds max_age) {
  std::string c(session_cookie_name(https));
  c += '=';
  c += secret;
  c += attributes(https);
  c += "; Max-Age=" + std::to_string(max_age.count());
  return c;
}

std::string clear_session_cookie(bool https) {
  std::string c(session_cookie_name(https));
  c += '=';
  c += attributes(https);
  c += "; Max-Age=0";
  return c;
}

bool is_session_secret_shape(std::string_view value) noexcept {
  if (value.size() != 43) return false;
  for (char c : value) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace admit::auth
