#include "common/page_cursor.hpp"

#include <charconv>

namespace admit {

std::string make_page_cursor(std::int64_t ms, std::string_view id) {
  std::string out = std::to_string(ms);
  out += '.';
  out += id;
  return out;
}

std::optional<std::pair<std::int64_t, std::string>> parse_page_cursor(std::string_view c) {
  auto dot = c.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 >= c.size() || c.size() > 200)
    return std::nullopt;
  std::int64_t ms = 0;
  auto [p, ec] = std::from_chars(c.data(), c.data() + dot, ms);
  if (ec != std::errc{} || p != c.data() + dot) return std::nullopt;
  return std::make_pair(ms, std::string(c.substr(dot + 1)));
}

}  // namespace admit
