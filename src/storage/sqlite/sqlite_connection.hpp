#pragma once
// SqliteConnection: one sqlite3 handle behind the sql::Connection port.
//
// Contract: not thread-safe; the owning SqliteDatabase hands it to one borrower at a
// time. Statements are prepared once (SQLITE_PREPARE_PERSISTENT), cached by their exact
// SQL text, and reset after every use. Result values: INTEGER -> int64, NULL -> nullptr,
// anything else (text, real, blob) -> its text. Errors are DbError: unique/primary key
// constraint -> unique_violation, SQLITE_BUSY/LOCKED -> busy, the rest -> other.
// A read-only connection begins deferred transactions (a consistent snapshot); a
// read-write one begins with BEGIN IMMEDIATE so the write lock is taken up front.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storage/sql/database.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace admit::sql {

class SqliteConnection final : public Connection {
 public:
  enum class Mode { read_write, read_only };

  // Opens `target` (a file path, ":memory:" or a "file:" URI). Throws DbError. A
  // read-write connection commits durably (`synchronous=FULL`: the WAL is synced before
  // COMMIT returns) unless `durable` is false (`synchronous=NORMAL`: synced only at
  // checkpoints, so a power cut may lose the last commits).
  SqliteConnection(const std::string& target, Mode mode, int busy_timeout_ms, bool durable = true);
  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Rows query(std::string_view sql, const std::vector<Value>& params = {}) override;
  std::int64_t execute(std::string_view sql, const std::vector<Value>& params = {}) override;
  void execute_script(std::string_view sql) override;
  void begin() override;
  void commit() override;
  void rollback() noexcept override;
  Dialect dialect() const noexcept override { return Dialect::sqlite; }

  // True between begin() and commit()/rollback() (or an implicit rollback by SQLite).
  bool in_transaction() const noexcept;

 private:
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  using StatementCache = std::unordered_map<std::string, sqlite3_stmt*, TextHash, std::equal_to<>>;

  // The cached prepared statement for `sql`, bound to `params`.
  sqlite3_stmt* prepare(std::string_view sql, const std::vector<Value>& params);
  void step_to_end(sqlite3_stmt* stmt, std::string_view sql);
  [[noreturn]] void fail(std::string_view sql) const;
  void clear_cache() noexcept;

  sqlite3* db_ = nullptr;
  bool read_only_;
  StatementCache statements_;
};

}  // namespace admit::sql
