#pragma once
// Small text rules shared by the services' validation.
#include <string>
#include <string_view>

#include "common/error.hpp"

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
// The one text rule (docs/security.md): no control characters in any text field. True for
// C0 controls (NUL, BEL, ESC, ...), DEL and C1 controls (U+0080-U+009F). A multi-line field
// (a description) may hold line feed, carriage return and tab; a single line none of them.
bool has_control_chars(std::string_view s, bool multiline = false) noexcept;
// Checks one text field by that rule: required (not blank), valid UTF-8, at most `max`
// characters, no control characters. Adds a FieldError naming `field` for what is wrong.
void check_text(FieldErrors& errors, const std::string& field, std::string_view value,
                std::size_t max, bool required, bool multiline = false);
// ISO 4217 codes admit accepts.
bool is_currency(std::string_view code) noexcept;

}  // namespace admit
