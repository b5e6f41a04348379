// Request framing (RFC 9112 §6, §3.2) and media-type rules; declared in middleware.hpp.
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/middleware.hpp"
#include "http/url.hpp"

namespace admit::http {
namespace {

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool iequal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

bool is_tchar(char c) noexcept {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_tchar(c)) return false;
  return true;
}

// The transfer codings of every Transfer-Encoding line, in order; parameters dropped. An
// empty element ("gzip,,chunked") is kept as "" so that the caller can refuse it.
std::vector<std::string_view> codings_of(const Request& request, bool& empty_element) {
  std::vector<std::string_view> out;
  for (const auto& [name, value] : request.headers) {
    if (name != "transfer-encoding") continue;
    std::string_view rest = value;
    for (;;) {
      auto comma = rest.find(',');
      std::string_view item = trim_spaces(rest.substr(0, comma));
      item = trim_spaces(item.substr(0, item.find(';')));
      if (item.empty()) empty_element = true;
      else out.push_back(item);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return out;
}

std::optional<Error> check_transfer_encoding(const Request& request, unsigned version) {
  bool present = false, has_length = false;
  for (const auto& [name, value] : request.headers) {
    present = present || name == "transfer-encoding";
    has_length = has_length || name == "content-length";
  }
  if (!present) return std::nullopt;
  if (has_length)
    return Error::bad_request(
        "The request has both Transfer-Encoding and Content-Length; send only one.");
  if (version < 11)
    return Error::bad_request("Transfer-Encoding is not allowed in an HTTP/1.0 request.");
  bool empty_element = false;
  auto codings = codings_of(request, empty_element);
  if (empty_element || codings.empty())
    return Error::bad_request("The Transfer-Encoding header has an empty transfer coding.");
  if (!iequal(codings.back(), "chunked"))
    return Error::bad_request(
        "The request body length cannot be determined: chunked must be the final transfer "
        "coding.");
  for (std::size_t i = 0; i + 1 < codings.size(); ++i) {
    if (iequal(codings[i], "chunked"))
      return Error::bad_request("The chunked transfer coding is applied more than once.");
    return Error{ErrorCode::not_implemented,
                 "The transfer coding '" + std::string(codings[i]) +
                     "' is not implemented; send the body with Transfer-Encoding: chunked only.",
                 {}};
  }
  return std::nullopt;
}

// host = uri-host [ ":" port ]; uri-host is a reg-name, IPv4 or [IPv6] (RFC 3986).
bool valid_host(std::string_view host) noexcept {
  if (host.empty()) return true;  // allowed when the target has no authority (RFC 9112 §3.2)
  std::string_view name = host, port;
  if (host.front() == '[') {
    auto close = host.find(']');
    if (close == std::string_view::npos) return false;
    for (char c : host.substr(1, close - 1))
      if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.')) return false;
    name = {};
    port = host.substr(close + 1);
    if (!port.empty() && port.front() != ':') return false;
    if (!port.empty()) port.remove_prefix(1);
  } else {
    auto colon = host.find(':');
    if (colon != std::string_view::npos) {
      name = host.substr(0, colon);
      port = host.substr(colon + 1);
      if (port.empty()) return true;  // "example.org:" is allowed by the grammar
    }
    if (name.empty()) return false;
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("-._~!$&'()*+,;=%").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  if (port.size() > 5) return false;
  for (char c : port)
    if (c < '0' || c > '9') return false;
  return true;
}

std::optional<Error> check_host(const Request& request, unsigned version) {
  int count = 0;
  std::string_view host;
  for (const auto& [name, value] : request.headers) {
    if (name != "host") continue;
    ++count;
    host = value;
  }
  if (count > 1) return Error::bad_request("The request has more than one Host header.");
  if (count == 0 && version >= 11)
    return Error::bad_request("An HTTP/1.1 request needs a Host header.");
  if (count == 1 && !valid_host(trim_spaces(host)))
    return Error::bad_request("The Host header is not a valid host[:port].");
  return std::nullopt;
}

}  // namespace

std::optional<Error> check_framing(const Request& request, unsigned version) {
  if (auto e = check_transfer_encoding(request, version)) return e;
  return check_host(request, version);
}

bool is_json_media_type(std::string_view content_type) noexcept {
  // media-type = type "/" subtype parameters; both are tokens, compared case-insensitively.
  std::string_view essence = trim_spaces(content_type.substr(0, content_type.find(';')));
  auto slash = essence.find('/');
  if (slash == std::string_view::npos) return false;
  std::string_view type = essence.substr(0, slash), subtype = essence.substr(slash + 1);
  if (!is_token(type) || !is_token(subtype)) return false;
  if (iequal(type, "application") && iequal(subtype, "json")) return true;
  return subtype.size() > 5 && iequal(subtype.substr(subtype.size() - 5), "+json");
}

}  // namespace admit::http
