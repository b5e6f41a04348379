#pragma once
// Per-request policies that do not need Beast: CSRF, request ids, client address and the
// security headers every answer carries. The server and the dispatcher apply them; they are
// plain functions so unit tests can check each rule on its own.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

namespace admit::http {

// The header the web app sends on every state-changing API call.
inline constexpr std::string_view kCsrfHeader = "x-admit-csrf";

// CSRF rule for cookie sessions: a POST/PUT/PATCH/DELETE under /api/ whose principal came
// from a session cookie (and whose route is not csrf_exempt) needs BOTH an Origin equal to
// `public_origin` (or, without Origin, a Referer of that origin) AND `X-Admit-CSRF: 1`.
// Bearer and anonymous requests pass. When public_origin is empty the Host header stands in
// (http or https). Returns the 403 error naming what is missing, or nullopt when allowed.
std::optional<Error> check_csrf(const Request& request, const RouteOptions& route,
                                std::string_view public_origin);

// An incoming X-Request-Id is kept when it is 1..64 characters of [A-Za-z0-9_-].
bool is_sane_request_id(std::string_view id) noexcept;
// A new request id: a per-process random prefix and a counter ("r7k2m9q4-1f3a").
std::string new_request_id();

// An IPv4 or IPv6 address in its canonical text form ("2001:db8::1", "192.0.2.7"), or
// nullopt when `text` is not exactly one address (no port, brackets, zone or spaces).
std::optional<std::string> parse_ip_address(std::string_view text);

// The client address: the peer, or with trust_proxy the last entry of X-Forwarded-For (the
// one our proxy appended) when it is an IP address, in canonical form. An unreadable last
// entry falls back to the peer: the entries before it are the client's word, not the proxy's.
std::string client_address(std::string_view peer, std::optional<std::string_view> forwarded_for,
                           bool trust_proxy);

// Message framing and Host rules of RFC 9112 for a request whose header has been read
// (`request.headers` holds every field line, names lower-case; `version` is 10 or 11):
// - Transfer-Encoding with Content-Length, in an HTTP/1.0 request, with chunked missing
//   or not last, chunked twice, or an empty coding: 400 (the body length cannot be known);
// - any coding before the final chunked (gzip, identity, ...): 501, none is implemented;
// - HTTP/1.1 without Host, more than one Host, or a Host that is not host[:port]: 400.
// Returns the error to answer (then close), or nullopt.
std::optional<Error> check_framing(const Request& request, unsigned version);

// True when a Content-Type header names a JSON media type: `application/json` or any
// `<type>/<subtype>+json`, case-insensitive, with optional parameters (`; charset=utf-8`).
// The type is parsed (RFC 9110 §8.3.1), so `text/plain; charset=json` is not JSON.
bool is_json_media_type(std::string_view content_type) noexcept;

// Headers added to every answer (Content-Security-Policy, nosniff, ...; HSTS when hsts).
std::vector<std::pair<std::string, std::string>> security_headers(bool hsts);

// True for POST, PUT, PATCH and DELETE.
bool is_state_changing(Method m) noexcept;
inline bool is_api_path(std::string_view path) noexcept {
  return path == "/api" || path.starts_with("/api/");
}

}  // namespace admit::http
