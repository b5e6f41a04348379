#pragma once
// Small URL helpers shared by the request accessors, the router and the server (no Beast).
#include <optional>
#include <string>
#include <string_view>

namespace admit::http {

// Decodes %XX escapes (and '+' as a space when plus_as_space, for query strings).
// Returns nullopt for a malformed escape ("%4", "%zz") or, when reject_nul, for "%00".
std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space,
                                          bool reject_nul = true);
// Lenient form for query strings: malformed escapes are kept literally.
std::string percent_decode_lenient(std::string_view text, bool plus_as_space);
// Drops spaces and tabs at both ends (HTTP's optional whitespace in header values).
std::string_view trim_spaces(std::string_view s) noexcept;
// "https://Example.com:443/x" -> "https://example.com"; "" when the URL has no origin.
// Lower-cases scheme and host and drops the scheme's default port.
std::string origin_of(std::string_view url);

}  // namespace admit::http
