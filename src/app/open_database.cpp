#include "app/open_database.hpp"

#include <stdexcept>
#include <string_view>

#include "storage/postgres/postgres_database.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace admit::app {

std::unique_ptr<sql::Database> open_database(const std::string& url, const sql::OpenOptions& options) {
  if (options.pool_size < 1)
    throw std::runtime_error("database pool size must be at least 1");
  const std::string_view u = url;
  if (u.starts_with("sqlite:")) {
    auto path = u.substr(7);
    if (path.starts_with("//")) path.remove_prefix(2);  // sqlite:///abs/path.db
    if (path.empty()) throw std::runtime_error("database URL 'sqlite:' needs a file path, e.g. sqlite:data/admit.db");
    return sql::open_sqlite(path, options);
  }
  if (u.starts_with("postgresql://") || u.starts_with("postgres://")) return sql::open_postgres(url, options);
  const auto colon = u.find(':');
  const std::string scheme = colon == std::string_view::npos ? std::string() : std::string(u.substr(0, colon));
  throw std::runtime_error(
      (scheme.empty() ? std::string("database URL has no scheme")
                      : "unsupported database URL scheme '" + scheme + "'") +
      " (expected sqlite:path/to/file.db, sqlite::memory: or postgresql://user@host:port/db)");
}

}  // namespace admit::app
