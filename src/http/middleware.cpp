#include "http/middleware.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <atomic>
#include <charconv>
#include <cstring>

#include "common/random.hpp"
#include "http/url.hpp"

namespace admit::http {
namespace {

bool origin_allowed(std::string_view origin, std::string_view public_origin,
                    std::optional<std::string_view> host) {
  std::string normalized = origin_of(origin);
  if (normalized.empty()) return false;
  if (!public_origin.empty()) return normalized == public_origin;
  if (!host || host->empty()) return false;
  std::string h;
  for (char c : *host) h += (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  return normalized == origin_of("http://" + h) || normalized == origin_of("https://" + h);
}

}  // namespace

bool is_state_changing(Method m) noexcept {
  return m == Method::post || m == Method::put || m == Method::patch || m == Method::delete_;
}

std::optional<Error> check_csrf(const Request& request, const RouteOptions& route,
                                std::string_view public_origin) {
  if (!is_state_changing(request.method) || !is_api_path(request.path)) return std::nullopt;
  if (!request.principal || request.principal->via != Principal::Via::session) return std::nullopt;
  if (route.csrf_exempt) return std::nullopt;

  auto host = request.header("host");
  bool origin_ok = false;
  std::string_view origin_problem;
  if (auto origin = request.header("origin")) {
    origin_ok = origin_allowed(*origin, public_origin, host);
    origin_problem = "the Origin header does not match this site";
  } else if (auto referer = request.header("referer")) {
    origin_ok = origin_allowed(*referer, public_origin, host);
    origin_problem = "the Referer header does not match this site";
  } else {
    origin_problem = "the Origin header is missing";
  }
  auto token = request.header(kCsrfHeader);
  bool header_ok = token && trim_spaces(*token) == "1";

  if (origin_ok && header_ok) return std::nullopt;
  std::string detail = "Cross-site request refused: ";
  if (!origin_ok) detail += origin_problem;
  if (!origin_ok && !header_ok) detail += " and ";
  if (!header_ok) detail += "the X-Admit-CSRF: 1 header is missing";
  detail += '.';
  return Error::forbidden(std::move(detail));
}

bool is_sane_request_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string new_request_id() {
  // new_id gives "x_" + 16 random characters; 8 of them make the per-process prefix.
  static const std::string prefix = new_id("r").substr(2, 8);
  static std::atomic<std::uint64_t> counter{0};
  std::uint64_t n = counter.fetch_add(1, std::memory_order_relaxed) + 1;
  char buf[24];
  buf[0] = '-';
  const auto end = std::to_chars(buf + 1, buf + sizeof buf, n, 16).ptr;  // no printf per request
  std::string id;
  id.reserve(prefix.size() + static_cast<std::size_t>(end - buf));
  id += prefix;
  id.append(buf, end);
  return id;
}

std::optional<std::string> parse_ip_address(std::string_view text) {
  // inet_pton wants a terminated string; the longest textual address (an IPv6 address with
  // an embedded IPv4 one) is 45 characters.
  if (text.empty() || text.size() > 45 || text.find('\0') != std::string_view::npos)
    return std::nullopt;
  char buf[64];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  char out[INET6_ADDRSTRLEN];
  in_addr v4{};
  if (inet_pton(AF_INET, buf, &v4) == 1 && inet_ntop(AF_INET, &v4, out, sizeof out))
    return std::string(out);
  in6_addr v6{};
  if (inet_pton(AF_INET6, buf, &v6) == 1 && inet_ntop(AF_INET6, &v6, out, sizeof out))
    return std::string(out);
  return std::nullopt;
}

std::string client_address(std::string_view peer, std::optional<std::string_view> forwarded_for,
                           bool trust_proxy) {
  if (trust_proxy && forwarded_for) {
    // Only the last entry was written by our proxy (the address it saw); the ones before it
    // come from the client. So an unreadable last entry does not make an earlier one count.
    std::string_view list = *forwarded_for;
    auto comma = list.rfind(',');
    std::string_view last = trim_spaces(comma == std::string_view::npos ? list : list.substr(comma + 1));
    if (auto ip = parse_ip_address(last)) return std::move(*ip);
  }
  return std::string(peer);
}

std::vector<std::pair<std::string, std::string>> security_headers(bool hsts) {
  std::vector<std::pair<std::string, std::string>> h{
      {"Content-Security-Policy",
       "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
       "form-action 'self'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "strict-origin-when-cross-origin"},
      {"X-Frame-Options", "DENY"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
  };
  if (hsts) h.emplace_back("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  return h;
}

}  // namespace admit::http
