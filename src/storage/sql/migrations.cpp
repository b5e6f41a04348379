// Renders and applies the embedded migrations (generated from migrations/NNNN_name.sql).
#include "storage/sql/migrations.hpp"

#include <algorithm>
#include <chrono>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

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

// The dialect placeholders of a migration source and what each becomes.
struct Placeholder {
  std::string_view name;
  std::string_view sqlite;
  std::string_view postgres;
};
constexpr Placeholder kPlaceholders[] = {
    {"{{integer}}", "INTEGER", "BIGINT"},
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

[[noreturn]] void bad_source(int line, const std::string& what) {
  throw std::invalid_argument("migration source line " + std::to_string(line) + ": " + what);
}

// Replaces the placeholders of one line for the dialect.
std::string substitute(std::string_view line, Dialect dialect, int number) {
  std::string out;
  while (!line.empty()) {
    const auto open = line.find("{{");
    if (open == std::string_view::npos) break;
    out += line.substr(0, open);
    line.remove_prefix(open);
    const Placeholder* found = nullptr;
    for (const Placeholder& p : kPlaceholders)
      if (line.starts_with(p.name)) found = &p;
    if (!found) {
      const auto close = line.find("}}");
      bad_source(number, "unknown placeholder '" +
                             std::string(line.substr(0, close == std::string_view::npos ? line.size() : close + 2)) +
                             "' (known: {{integer}})");
    }
    out += dialect == Dialect::sqlite ? found->sqlite : found->postgres;
    line.remove_prefix(found->name.size());
  }
  out += line;
  return out;
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

std::string render_migration(std::string_view source, Dialect dialect) {
  enum class Scope { both, sqlite, postgres };
  Scope scope = Scope::both;
  int opened_at = 0;
  std::string out;
  int number = 0;
  while (!source.empty()) {
    ++number;
    const auto eol = source.find('\n');
    const std::string_view line = source.substr(0, eol);
    source.remove_prefix(eol == std::string_view::npos ? source.size() : eol + 1);
    const std::string_view t = trim(line);
    if (t.starts_with("-- @")) {
      const std::string_view marker = t.substr(4);
      if (marker == "end") {
        if (scope == Scope::both) bad_source(number, "'-- @end' without an open '-- @sqlite' or '-- @postgres'");
        scope = Scope::both;
      } else if (marker == "sqlite" || marker == "postgres") {
        if (scope != Scope::both && marker == (scope == Scope::sqlite ? "sqlite" : "postgres"))
          bad_source(number, "'-- @" + std::string(marker) + "' inside a block of the same dialect");
        scope = marker == "sqlite" ? Scope::sqlite : Scope::postgres;
        opened_at = number;
      } else {
        bad_source(number, "unknown marker '" + std::string(t) + "' (known: -- @sqlite, -- @postgres, -- @end)");
      }
      continue;
    }
    const bool wanted = scope == Scope::both || (scope == Scope::sqlite) == (dialect == Dialect::sqlite);
    if (!wanted) continue;
    out += substitute(line, dialect, number);
    if (eol != std::string_view::npos) out += '\n';
  }
  if (scope != Scope::both) bad_source(opened_at, "dialect block not closed with '-- @end'");
  return out;
}

int latest_version() {
  int latest = 0;
  for (const auto& m : embedded_migrations()) latest = std::max(latest, m.version);
  return latest;
}

int current_version(Database& db) {
  auto conn = db.reader();
  return version_in(*conn);
}

int migrate(Database& db) {
  const Dialect dialect = db.dialect();
  const std::string_view backend = backend_of(dialect);
  const int latest = latest_version();

  std::vector<std::pair<const EmbeddedMigration*, std::string>> known;  // with its SQL
  for (const auto& m : embedded_migrations()) known.emplace_back(&m, render_migration(m.source, dialect));
  std::sort(known.begin(), known.end(),
            [](const auto& a, const auto& b) { return a.first->version < b.first->version; });

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
  for (const auto& entry : known) {
    const EmbeddedMigration* m = entry.first;
    const std::string& sql = entry.second;
    const bool applied = in_transaction(*conn, [&](Connection& c) {
      lock(c);
      const std::set<int> done = applied_versions(c);
      if (!done.empty()) refuse_if_newer(*done.rbegin(), latest);
      if (done.contains(m->version)) return false;
      c.execute_script(sql);
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
