#include "domain/services/text.hpp"

#include <algorithm>
#include <array>

namespace admit {

std::size_t utf8_length(std::string_view s) noexcept {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

bool is_valid_utf8(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t extra = 0;
    if (c < 0x80) extra = 0;
    else if ((c >> 5) == 0x6) extra = 1;
    else if ((c >> 4) == 0xE) extra = 2;
    else if ((c >> 3) == 0x1E) extra = 3;
    else return false;
    if (i + extra >= s.size() && extra > 0) return false;
    for (std::size_t k = 1; k <= extra; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += extra + 1;
  }
  return true;
}

std::string trim(std::string_view s) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

std::string normalize_email(std::string_view s) {
  std::string out = trim(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_plausible_email(std::string_view s) noexcept {
  if (s.size() < 3 || s.size() > 254) return false;
  auto at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos)
    return false;
  auto domain = s.substr(at + 1);
  auto dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') return false;
  for (unsigned char c : s)
    if (c <= ' ' || c == 0x7F || c == '<' || c == '>' || c == ',' || c == ';') return false;
  return true;
}

bool has_control_chars(std::string_view s, bool multiline) noexcept {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const bool line_break = c == '\t' || c == '\n' || c == '\r';
    if (c < 0x20 && !(multiline && line_break)) return true;
    if (c == 0x7F) return true;
    // C1 controls: U+0080-U+009F, encoded C2 80 .. C2 9F.
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9F &&
        static_cast<unsigned char>(s[i + 1]) >= 0x80)
      return true;
  }
  return false;
}

void check_text(FieldErrors& errors, const std::string& field, std::string_view value,
                std::size_t max, bool required, bool multiline) {
  if (required && trim(value).empty()) errors.add(field, "is required");
  else if (!is_valid_utf8(value)) errors.add(field, "must be valid UTF-8");
  else if (utf8_length(value) > max)
    errors.add(field, "must be at most " + std::to_string(max) + " characters");
  else if (has_control_chars(value, multiline))
    errors.add(field, multiline ? "must not contain control characters (line breaks and tabs are fine)"
                                : "must be one line without control characters");
}

bool is_currency(std::string_view code) noexcept {
  static constexpr std::array<std::string_view, 45> kCodes{
      "AUD", "BRL", "CAD", "CHF", "CLP", "CNY", "COP", "CZK", "DKK", "EUR",
      "GBP", "HKD", "HUF", "IDR", "ILS", "INR", "ISK", "JPY", "KRW", "MXN",
      "MYR", "NOK", "NZD", "PHP", "PLN", "RON", "SEK", "SGD", "THB", "TRY",
      "TWD", "UAH", "USD", "ZAR", "AED", "SAR", "EGP", "NGN", "KES", "ARS",
      "KWD", "BHD", "JOD", "OMR", "TND"};
  return std::find(kCodes.begin(), kCodes.end(), code) != kCodes.end();
}

}  // namespace admit
