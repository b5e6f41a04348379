// Row accessors and open_database(): the one place that knows both drivers.
#include "storage/sql/database.hpp"

#include <stdexcept>
#include <string>

#include "storage/postgres/postgres_database.hpp"
#include "storage/sqlite/sqlite_database.hpp"

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

std::unique_ptr<Database> open_database(const std::string& url, const OpenOptions& options) {
  if (options.pool_size < 1)
    throw std::runtime_error("database pool size must be at least 1");
  const std::string_view u = url;
  if (u.starts_with("sqlite:")) {
    auto path = u.substr(7);
    if (path.starts_with("//")) path.remove_prefix(2);  // sqlite:///abs/path.db
    if (path.empty()) throw std::runtime_error("database URL 'sqlite:' needs a file path, e.g. sqlite:data/admit.db");
    return open_sqlite(path, options);
  }
  if (u.starts_with("postgresql://") || u.starts_with("postgres://")) return open_postgres(url, options);
  const auto colon = u.find(':');
  const std::string scheme = colon == std::string_view::npos ? std::string() : std::string(u.substr(0, colon));
  throw std::runtime_error(
      (scheme.empty() ? std::string("database URL has no scheme")
                      : "unsupported database URL scheme '" + scheme + "'") +
      " (expected sqlite:path/to/file.db, sqlite::memory: or postgresql://user@host:port/db)");
}

}  // namespace admit::sql
