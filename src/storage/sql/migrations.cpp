// Applies the embedded migrations (generated from migrations/<backend>/NNNN_name.sql).
#include "storage/sql/migrations.hpp"

#include <algorithm>
#include <chrono>
#include <set>
#include <stdexcept>
#include <string>

#include "common/log.hpp"

namespace admit::sql {

namespace {

// pg_advisory_xact_lock key: any constant shared by every admit node ("admit" in ASCII).
constexpr std::string_view kLockSql = "SELECT pg_advisory_xact_lock(CAST(418464965236 AS BIGINT))";

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

std::string_view backend_of(Dialect dialect) noexcept {
  return dialect == Dialect::sqlite ? "sqlite" : "postgres";
}

bool has_migrations_table(Connection& conn) {
  const Rows rows =
      conn.dialect() == Dialect::sqlite
          ? conn.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
          : conn.query("SELECT 1 FROM pg_catalog.pg_tables "
                       "WHERE schemaname = current_schema() AND tablename = 'schema_migrations'");
  return !rows.empty();
}

std::set<int> applied_versions(Connection& conn) {
  std::set<int> versions;
  for (const Row& row : conn.query("SELECT version FROM schema_migrations"))
    versions.insert(static_cast<int>(row.i64(0)));
  return versions;
}

int version_in(Connection& conn) {
  if (!has_migrations_table(conn)) return 0;
  const Rows rows = conn.query("SELECT MAX(version) FROM schema_migrations");
  return rows.empty() ? 0 : static_cast<int>(rows.front().opt_i64(0).value_or(0));
}

void refuse_if_newer(int current, int latest) {
  if (current > latest)
    throw std::runtime_error("database schema version " + std::to_string(current) +
                             " is newer than this admit (knows " + std::to_string(latest) +
                             "); upgrade admit");
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int latest_version(Dialect dialect) {
  int latest = 0;
  for (const auto& m : embedded_migrations())
    if (m.backend == backend_of(dialect)) latest = std::max(latest, m.version);
  return latest;
}

int current_version(Database& db) {
  auto conn = db.reader();
  return version_in(*conn);
}

int migrate(Database& db) {
  const Dialect dialect = db.dialect();
  const std::string_view backend = backend_of(dialect);
  const int latest = latest_version(dialect);

  std::vector<const EmbeddedMigration*> known;
  for (const auto& m : embedded_migrations())
    if (m.backend == backend) known.push_back(&m);
  std::sort(known.begin(), known.end(),
            [](const auto* a, const auto* b) { return a->version < b->version; });

  auto conn = db.writer();
  // Every step runs in a transaction that first takes the migration lock (PostgreSQL:
  // an advisory lock; SQLite: BEGIN IMMEDIATE is the lock), so nodes starting together
  // apply each migration once.
  const auto lock = [&](Connection& c) {
    if (dialect == Dialect::postgres) c.query(kLockSql);
  };

  in_transaction(*conn, [&](Connection& c) {
    lock(c);
    if (!has_migrations_table(c)) c.execute_script(kCreateTable);
  });

  int ran = 0;
  for (const EmbeddedMigration* m : known) {
    const bool applied = in_transaction(*conn, [&](Connection& c) {
      lock(c);
      const std::set<int> done = applied_versions(c);
      if (!done.empty()) refuse_if_newer(*done.rbegin(), latest);
      if (done.contains(m->version)) return false;
      c.execute_script(m->sql);
      c.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                {static_cast<std::int64_t>(m->version), std::string(m->name), now_ms()});
      return true;
    });
    if (applied) {
      ++ran;
      log::info("migration applied", {{"version", m->version}, {"name", m->name}, {"backend", backend}});
    }
  }
  if (known.empty()) {
    // Nothing embedded: still refuse a database written by a newer admit.
    refuse_if_newer(version_in(*conn), latest);
  }
  return ran;
}

}  // namespace admit::sql
