#include "storage/sqlite/sqlite_connection.hpp"

#include <sqlite3.h>

#include <string>
#include <utility>

#include "storage/sqlite/wal_write_buffer.hpp"

namespace admit::sql {

namespace {

constexpr std::size_t kMaxCachedStatements = 1024;
constexpr std::size_t kSqlInMessages = 160;

// Resets a statement when the call that used it ends, however it ends, so it releases
// its read snapshot/locks and its bound parameters.
class StatementReset {
 public:
  explicit StatementReset(sqlite3_stmt* stmt) noexcept : stmt_(stmt) {}
  ~StatementReset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  StatementReset(const StatementReset&) = delete;
  StatementReset& operator=(const StatementReset&) = delete;

 private:
  sqlite3_stmt* stmt_;
};

DbError::Kind kind_of(int extended_code) noexcept {
  switch (extended_code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return DbError::Kind::unique_violation;
    default:
      break;
  }
  switch (extended_code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return DbError::Kind::busy;
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
      return DbError::Kind::connection;
    default:
      return DbError::Kind::other;
  }
}

bool only_blanks(const char* p, const char* end) noexcept {
  for (; p < end; ++p)
    if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r' && *p != ';') return false;
  return true;
}

// Process-wide settings, before the first connection opens: no memory statistics, which
// SQLite otherwise keeps under a global mutex taken on every allocation (it showed in the
// registration writer's profile). A no-op if something initialised SQLite earlier.
void configure_sqlite_once() {
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return sqlite3_initialize() == SQLITE_OK;
  }();
  (void)configured;
}

}  // namespace

SqliteConnection::SqliteConnection(const std::string& target, Mode mode, int busy_timeout_ms,
                                   bool durable)
    : read_only_(mode == Mode::read_only) {
  configure_sqlite_once();
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
  flags |= read_only_ ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  const int rc = sqlite3_open_v2(target.c_str(), &db_, flags, wal_write_buffer_vfs());
  if (rc != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw DbError(DbError::Kind::connection,
                  "cannot open SQLite database '" + target + "': " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, busy_timeout_ms);
  // Readers need nothing more: SQLITE_OPEN_READONLY forbids writes, and WAL mode is a
  // property of the file that the writer set.
  if (!read_only_) {
    try {
      // synchronous: FULL syncs the WAL at every commit, so a commit (and the answer
      // that follows it) survives a power cut; NORMAL only at checkpoints
      // (docs/decisions/0007-durable-acknowledgements.md). temp_store: statement journals
      // of multi-row inserts stay in memory instead of a temporary file created and
      // unlinked per transaction. cache_size: 32 MiB, so the pages a registration batch
      // touches at random (the per-user idempotency index) are not read back from the
      // WAL each time.
      execute_script(std::string("PRAGMA journal_mode=WAL;") +
                     (durable ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;") +
                     "PRAGMA foreign_keys=ON;"
                     "PRAGMA temp_store=MEMORY;"
                     "PRAGMA cache_size=-32768;");
    } catch (...) {
      sqlite3_close_v2(db_);
      db_ = nullptr;
      throw;
    }
  }
}

SqliteConnection::~SqliteConnection() {
  clear_cache();
  sqlite3_close_v2(db_);
}

void SqliteConnection::clear_cache() noexcept {
  for (auto& [text, stmt] : statements_) sqlite3_finalize(stmt);
  statements_.clear();
}

void SqliteConnection::fail(std::string_view sql) const {
  const int code = sqlite3_extended_errcode(db_);
  std::string message = "sqlite: ";
  message += sqlite3_errmsg(db_);
  if (!sql.empty()) {
    message += " (in: ";
    message += sql.substr(0, kSqlInMessages);
    if (sql.size() > kSqlInMessages) message += "...";
    message += ')';
  }
  throw DbError(kind_of(code), message);
}

sqlite3_stmt* SqliteConnection::prepare(std::string_view sql, const std::vector<Value>& params) {
  sqlite3_stmt* stmt = nullptr;
  if (auto it = statements_.find(sql); it != statements_.end()) {
    stmt = it->second;
  } else {
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
    if (rc != SQLITE_OK) fail(sql);
    if (stmt == nullptr) throw DbError(DbError::Kind::other, "sqlite: empty statement");
    if (tail != nullptr && !only_blanks(tail, sql.data() + sql.size())) {
      sqlite3_finalize(stmt);
      throw DbError(DbError::Kind::other,
                    "sqlite: several statements in one query; use execute_script (in: " +
                        std::string(sql.substr(0, kSqlInMessages)) + ")");
    }
    if (statements_.size() >= kMaxCachedStatements) clear_cache();
    statements_.emplace(std::string(sql), stmt);
  }

  const int expected = sqlite3_bind_parameter_count(stmt);
  if (expected != static_cast<int>(params.size()))
    throw DbError(DbError::Kind::other,
                  "sqlite: statement expects " + std::to_string(expected) + " parameters, got " +
                      std::to_string(params.size()) + " (in: " +
                      std::string(sql.substr(0, kSqlInMessages)) + ")");
  int index = 1;
  for (const Value& v : params) {
    int rc = SQLITE_OK;
    if (const auto* n = std::get_if<std::int64_t>(&v)) {
      rc = sqlite3_bind_int64(stmt, index, *n);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      // SQLITE_STATIC: `params` outlives the statement's use; bindings are cleared after.
      rc = sqlite3_bind_text(stmt, index, s->data(), static_cast<int>(s->size()), SQLITE_STATIC);
    } else {
      rc = sqlite3_bind_null(stmt, index);
    }
    if (rc != SQLITE_OK) {
      sqlite3_clear_bindings(stmt);
      fail(sql);
    }
    ++index;
  }
  return stmt;
}

void SqliteConnection::step_to_end(sqlite3_stmt* stmt, std::string_view sql) {
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) fail(sql);
}

Rows SqliteConnection::query(std::string_view sql, const std::vector<Value>& params) {
  sqlite3_stmt* stmt = prepare(sql, params);
  StatementReset reset(stmt);
  const int columns = sqlite3_column_count(stmt);
  Rows rows;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    std::vector<Value> values;
    values.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_INTEGER:
          values.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(stmt, c)));
          break;
        case SQLITE_NULL:
          values.emplace_back(nullptr);
          break;
        default: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
          const int bytes = sqlite3_column_bytes(stmt, c);
          values.emplace_back(std::in_place_type<std::string>, text ? text : "",
                              static_cast<std::size_t>(bytes));
          break;
        }
      }
    }
    rows.emplace_back(std::move(values));
  }
  if (rc != SQLITE_DONE) fail(sql);
  return rows;
}

std::int64_t SqliteConnection::execute(std::string_view sql, const std::vector<Value>& params) {
  sqlite3_stmt* stmt = prepare(sql, params);
  StatementReset reset(stmt);
  step_to_end(stmt, sql);
  return sqlite3_changes64(db_);
}

void SqliteConnection::execute_script(std::string_view sql) {
  // sqlite3_exec needs a NUL-terminated string.
  const std::string text(sql);
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    throw DbError(kind_of(sqlite3_extended_errcode(db_)), "sqlite: " + message);
  }
}

void SqliteConnection::begin() {
  static const std::vector<Value> none;
  sqlite3_stmt* stmt = prepare(read_only_ ? "BEGIN" : "BEGIN IMMEDIATE", none);
  StatementReset reset(stmt);
  step_to_end(stmt, "BEGIN");
}

void SqliteConnection::commit() {
  static const std::vector<Value> none;
  sqlite3_stmt* stmt = prepare("COMMIT", none);
  StatementReset reset(stmt);
  step_to_end(stmt, "COMMIT");
}

void SqliteConnection::rollback() noexcept {
  // SQLite rolls back by itself after some errors; ROLLBACK would then fail.
  if (!in_transaction()) return;
  try {
    static const std::vector<Value> none;
    sqlite3_stmt* stmt = prepare("ROLLBACK", none);
    StatementReset reset(stmt);
    sqlite3_step(stmt);
  } catch (...) {
    // Preparing ROLLBACK only fails when out of memory; fall back to an unprepared one.
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

bool SqliteConnection::in_transaction() const noexcept { return sqlite3_get_autocommit(db_) == 0; }

}  // namespace admit::sql
