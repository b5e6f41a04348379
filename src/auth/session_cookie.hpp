#pragma once
// The browser session cookie. Over http it is `admit_session`; when the public URL is
// https it is `__Host-admit_session` with Secure (the __Host- prefix also pins it to this
// host and Path=/). Always HttpOnly and SameSite=Lax. Its value is the 256-bit secret;
// the server stores only its SHA-256.
#include <chrono>
#include <string>
#include <string_view>

namespace admit::auth {

std::string_view session_cookie_name(bool https) noexcept;
// Set-Cookie value that stores the secret for `max_age`.
std::string session_cookie(std::string_view secret, bool https, std::chrono::seconds max_age);
// Set-Cookie value that removes the cookie.
std::string clear_session_cookie(bool https);
// True for text shaped like a session secret (43 base64url characters).
bool is_session_secret_shape(std::string_view value) noexcept;

}  // namespace admit::auth
