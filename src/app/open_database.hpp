#pragma once
// Opens a database from its URL: the one place that knows both SQL drivers, so the shared
// SQL layer (storage/sql) names neither.
#include <memory>
#include <string>

#include "storage/sql/database.hpp"

namespace admit::app {

// "sqlite:path/to/file.db" (or "sqlite:///abs/path.db", "sqlite::memory:") or
// "postgresql://user:pass@host:port/db?..." ("postgres://" too). Throws std::runtime_error
// with a clear message: an unknown scheme, a missing path, a pool size below 1, or the
// driver's own failure to open.
std::unique_ptr<sql::Database> open_database(const std::string& url,
                                             const sql::OpenOptions& options = {});

}  // namespace admit::app
