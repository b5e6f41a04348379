#pragma once
// Numbered migrations (migrations/NNNN_name.sql, one source for both databases), compiled
// into the binary, rendered for the database's dialect, and recorded in the
// schema_migrations table (version and name).
#include <string>
#include <string_view>
#include <vector>

#include "storage/sql/database.hpp"

namespace admit::sql {

struct EmbeddedMigration {
  int version;
  std::string_view name;    // file name without .sql, e.g. "0003_registrations"
  std::string_view source;  // the file as written, placeholders and dialect blocks included
};
const std::vector<EmbeddedMigration>& embedded_migrations();

// The SQL a migration source runs on `dialect` (migrations/README.md):
//   `-- @sqlite` / `-- @postgres` (a line of its own) start lines for that database only,
//   `-- @end` returns to lines for both; the marker lines themselves are dropped;
//   `{{integer}}` is a 64-bit integer column: INTEGER (SQLite) / BIGINT (PostgreSQL).
// Throws std::invalid_argument naming the line for an unknown `{{...}}` placeholder, an
// unknown `-- @...` marker, or a block left open at the end.
std::string render_migration(std::string_view source, Dialect dialect);

// The highest migration version this binary knows.
int latest_version();
// The version recorded in the database (0 when none).
int current_version(Database& db);
// Applies every missing migration, each in its own transaction, and returns how many
// ran. Throws std::runtime_error when the database is newer than this binary
// ("database schema version 7 is newer than this admit (knows 5); upgrade admit").
// Concurrent starts of several nodes are safe (PostgreSQL: advisory lock).
int migrate(Database& db);

}  // namespace admit::sql
