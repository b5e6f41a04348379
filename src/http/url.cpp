#include "http/url.hpp"

namespace admit::http {
namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

}  // namespace

namespace {

// Decodes %XX escapes (and '+' when plus_as_space). Strict: a malformed escape, or a
// decoded NUL when reject_nul, makes the whole text invalid. Lenient: malformed escapes
// are kept as written.
std::optional<std::string> decode(std::string_view text, bool plus_as_space, bool strict,
                                  bool reject_nul) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      int hi = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
      int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
      if (hi >= 0 && lo >= 0) {
        char decoded = static_cast<char>(hi * 16 + lo);
        if (decoded == '\0' && reject_nul) return std::nullopt;
        out += decoded;
        i += 2;
        continue;
      }
      if (strict) return std::nullopt;
      out += c;
    } else if (c == '+' && plus_as_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space,
                                          bool reject_nul) {
  return decode(text, plus_as_space, /*strict=*/true, reject_nul);
}

std::string percent_decode_lenient(std::string_view text, bool plus_as_space) {
  return *decode(text, plus_as_space, /*strict=*/false, /*reject_nul=*/false);
}

std::string_view trim_spaces(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string origin_of(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return {};
  std::string scheme;
  for (char c : url.substr(0, scheme_end)) scheme += lower(c);
  if (scheme != "http" && scheme != "https") return {};
  std::string_view rest = url.substr(scheme_end + 3);
  auto authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  if (authority.find('@') != std::string_view::npos) return {};  // no userinfo in origins
  if (authority.empty()) return {};
  std::string host;
  for (char c : authority) host += lower(c);
  // Drop the default port of the scheme.
  std::string_view default_port = scheme == "https" ? ":443" : ":80";
  if (host.size() > default_port.size() &&
      std::string_view(host).substr(host.size() - default_port.size()) == default_port)
    host.resize(host.size() - default_port.size());
  return scheme + "://" + host;
}

}  // namespace admit::http
