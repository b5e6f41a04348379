#pragma once
// Conversions between domain values and driver values that every store needs.
#include <optional>
#include <string>
#include <string_view>

#include "common/time.hpp"
#include "storage/sql/database.hpp"

namespace admit::sql {

// A nullable time column (integer milliseconds).
inline std::optional<Timestamp> opt_time(const Row& row, std::size_t column) {
  if (row.is_null(column)) return std::nullopt;
  return from_millis(row.i64(column));
}

// "?, ?, ?": the placeholders of an IN (...) list of n values (n > 0).
inline std::string placeholders(std::size_t n) {
  std::string out;
  out.reserve(n * 3);
  for (std::size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

// An optional time as a parameter: milliseconds or NULL.
inline Value opt_ms(const std::optional<Timestamp>& t) {
  if (!t) return nullptr;
  return to_millis(*t);
}

// Text for a `LIKE ? ESCAPE '\\'` search: lower-cased (ASCII, as the columns it is compared
// with are lowered) with the pattern characters %, _ and \ escaped.
inline std::string escape_like(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

}  // namespace admit::sql
