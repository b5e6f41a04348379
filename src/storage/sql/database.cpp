// Row accessors.
#include "storage/sql/database.hpp"

#include <stdexcept>
#include <string>

namespace admit::sql {

namespace {

[[noreturn]] void throw_null(std::size_t i) {
  throw std::logic_error("column " + std::to_string(i) + " is NULL");
}

[[noreturn]] void throw_type(std::size_t i, const char* wanted) {
  throw std::logic_error("column " + std::to_string(i) + " is not " + wanted);
}

}  // namespace

std::int64_t Row::i64(std::size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* n = std::get_if<std::int64_t>(&v)) return *n;
  if (std::holds_alternative<std::nullptr_t>(v)) throw_null(i);
  throw_type(i, "an integer");
}

const std::string& Row::text(std::size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (std::holds_alternative<std::nullptr_t>(v)) throw_null(i);
  throw_type(i, "text");
}

std::optional<std::int64_t> Row::opt_i64(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return i64(i);
}

std::optional<std::string> Row::opt_text(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return text(i);
}

}  // namespace admit::sql
