#pragma once
// The narrow SQL driver port that both backends implement (storage/sqlite, storage/postgres).
// The stores above it (storage/sql/*_store.cpp) are written once, in the SQL subset that
// SQLite 3.40 and PostgreSQL 15 share; see docs/decisions/0002-one-sql-store-two-drivers.md.
//
// SQL uses `?` placeholders; the PostgreSQL driver rewrites them to $1..$n. Every value
// travels as an integer, text or NULL (times are integer milliseconds, money integer minor
// units, booleans 0/1). Statements are prepared once per connection and cached by their text.
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace admit::sql {

using Value = std::variant<std::nullptr_t, std::int64_t, std::string>;

// Helpers to build parameters from optionals.
template <class T>
Value nullable(const std::optional<T>& v) {
  if (!v) return nullptr;
  if constexpr (std::is_same_v<T, std::string>) return *v;
  else return static_cast<std::int64_t>(*v);
}

// One result row, values already converted (integers as int64, text as string).
class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  std::size_t size() const noexcept { return values_.size(); }
  bool is_null(std::size_t i) const { return std::holds_alternative<std::nullptr_t>(values_.at(i)); }
  std::int64_t i64(std::size_t i) const;             // throws on NULL
  const std::string& text(std::size_t i) const;       // throws on NULL
  std::optional<std::int64_t> opt_i64(std::size_t i) const;
  std::optional<std::string> opt_text(std::size_t i) const;

 private:
  std::vector<Value> values_;
};

using Rows = std::vector<Row>;

// A database failure. Expected ones (a unique key taken) are turned into Result errors
// by the stores; the rest propagate and answer 500/503.
class DbError : public std::runtime_error {
 public:
  enum class Kind { unique_violation, busy, connection, other };
  DbError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const noexcept { return kind_; }

 private:
  Kind kind_;
};

enum class Dialect { sqlite, postgres };

class Connection {
 public:
  virtual ~Connection() = default;
  // Runs a statement and returns all its rows. Column types: INTEGER/BIGINT columns come
  // back as int64, everything else as text.
  virtual Rows query(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  // Runs a statement and returns the number of rows it changed.
  virtual std::int64_t execute(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  // Runs several statements without parameters (migrations).
  virtual void execute_script(std::string_view sql) = 0;
  // Starts a write transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: BEGIN).
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;
  virtual Dialect dialect() const noexcept = 0;
};

// A connection borrowed from a pool; returned when this handle dies.
class PooledConnection {
 public:
  PooledConnection(Connection* conn, std::function<void(Connection*)> release)
      : conn_(conn), release_(std::move(release)) {}
  PooledConnection(PooledConnection&& o) noexcept
      : conn_(std::exchange(o.conn_, nullptr)), release_(std::move(o.release_)) {}
  PooledConnection& operator=(PooledConnection&&) = delete;
  PooledConnection(const PooledConnection&) = delete;
  ~PooledConnection() {
    if (conn_ && release_) release_(conn_);
  }
  Connection& operator*() const noexcept { return *conn_; }
  Connection* operator->() const noexcept { return conn_; }

 private:
  Connection* conn_;
  std::function<void(Connection*)> release_;
};

struct PoolStats {
  int size = 0;     // connections open
  int in_use = 0;   // borrowed right now
  std::int64_t waits = 0;  // borrows that had to wait
};

class Database {
 public:
  virtual ~Database() = default;
  virtual Dialect dialect() const noexcept = 0;
  // A connection for writing. SQLite has exactly one (callers queue for it);
  // PostgreSQL hands out any pooled connection.
  virtual PooledConnection writer() = 0;
  // A connection for reading (SQLite: a pool of read-only WAL readers).
  virtual PooledConnection reader() = 0;
  virtual PoolStats stats() const = 0;
  // True when a trivial query succeeds (for /readyz).
  virtual bool ping() = 0;
};

// Runs fn(conn) inside a write transaction: commit on return, rollback on exception.
template <class F>
auto in_transaction(Connection& conn, F&& fn) -> decltype(fn(conn)) {
  conn.begin();
  try {
    if constexpr (std::is_void_v<decltype(fn(conn))>) {
      fn(conn);
      conn.commit();
    } else {
      auto result = fn(conn);
      conn.commit();
      return result;
    }
  } catch (...) {
    conn.rollback();
    throw;
  }
}

// Like in_transaction, for functions returning Result<T>: commits a success and rolls
// back an error value, so a failed validation inside the transaction leaves no trace.
template <class F>
auto in_result_transaction(Connection& conn, F&& fn) -> decltype(fn(conn)) {
  conn.begin();
  try {
    auto result = fn(conn);
    if (result.ok()) conn.commit();
    else conn.rollback();
    return result;
  } catch (...) {
    conn.rollback();
    throw;
  }
}

// How a driver opens its database (open_sqlite, open_postgres; app/open_database picks the
// driver from a URL).
struct OpenOptions {
  int pool_size = 8;               // readers (SQLite) or connections (PostgreSQL)
  int busy_timeout_ms = 5000;      // SQLite busy timeout
  // Durable (the default): a commit returns only once it is on stable storage. SQLite runs
  // `synchronous=FULL` (the WAL is synced at every commit); PostgreSQL sessions keep
  // `synchronous_commit` on, and turn it back on where the server's default is off.
  // Relaxed: SQLite `synchronous=NORMAL` and PostgreSQL `synchronous_commit=off`; a power
  // cut or OS crash may lose the last commits (never corrupts); see
  // docs/decisions/0007-durable-acknowledgements.md.
  bool durable = true;
  // SQLite: the WAL size past which the background checkpointer rewinds the WAL, holding
  // the writer between two transactions (storage/sqlite/sqlite_database.cpp).
  std::int64_t wal_restart_bytes = std::int64_t{256} << 20;
  // SQLite: how often the background checkpointer runs (tests make it run constantly).
  int checkpoint_interval_ms = 100;
};

}  // namespace admit::sql
