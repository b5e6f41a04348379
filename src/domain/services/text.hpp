#pragma once
// Small text rules shared by the services' validation.
#include <string>
#include <string_view>

namespace admit {

// Number of Unicode code points in valid UTF-8 (invalid sequences count per byte).
std::size_t utf8_length(std::string_view s) noexcept;
bool is_valid_utf8(std::string_view s) noexcept;
// Trims ASCII whitespace at both ends.
std::string trim(std::string_view s);
// Trimmed and lower-cased (ASCII) email; no other rewriting.
std::string normalize_email(std::string_view s);
// A plausible address: one @, non-empty local part, a dot in the domain, no spaces, ≤ 254.
bool is_plausible_email(std::string_view s) noexcept;
// True for control characters other than tab/newline (rejected in names and titles).
bool has_control_chars(std::string_view s) noexcept;
// ISO 4217 codes admit accepts.
bool is_currency(std::string_view code) noexcept;

}  // namespace admit
