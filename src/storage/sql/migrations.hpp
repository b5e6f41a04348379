#pragma once
// Numbered migrations per backend (migrations/sqlite, migrations/postgres), compiled into
// the binary and recorded in the schema_migrations table.
#include <string>
#include <string_view>
#include <vector>

#include "storage/sql/database.hpp"

namespace admit::sql {

struct EmbeddedMigration {
  std::string_view backend;  // "sqlite" or "postgres"
  int version;
  std::string_view name;     // file name without .sql
  std::string_view sql;
};
const std::vector<EmbeddedMigration>& embedded_migrations();

// The highest migration version this binary knows for the dialect.
int latest_version(Dialect dialect);
// The version recorded in the database (0 when none).
int current_version(Database& db);
// Applies every missing migration, each in its own transaction, and returns how many
// ran. Throws std::runtime_error when the database is newer than this binary
// ("database schema version 7 is newer than this admit (knows 5); upgrade admit").
// Concurrent starts of several nodes are safe (PostgreSQL: advisory lock).
int migrate(Database& db);

}  // namespace admit::sql
