#pragma once
// FaultyDatabase: a double of the driver port (sql::Database / sql::Connection) that
// wraps a real database and, where a test says so, fails: a chosen DbError on the nth
// statement (optionally only statements containing some text), commit or connection
// borrow, for a number of consecutive matches. A fault may instead run a hook on the
// connection just before the matching statement (something that changes the data behind
// the caller's back), and a commit fault may strike after the real commit (the outcome of
// a commit that did happen never reaches the caller, as when a connection drops then).
// For the faults a test cannot provoke on demand in a real database. Thread-safe.
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "storage/sql/database.hpp"

namespace admit::test {

class FaultyDatabase final : public sql::Database {
 public:
  enum class On { statement, commit, connect };
  struct Fault {
    On on = On::statement;
    int nth = 1;    // the nth matching operation after arming strikes first (1 = the next)
    int times = 1;  // consecutive matching operations that fail from there
    sql::DbError::Kind kind = sql::DbError::Kind::other;
    // Statements: only those whose SQL contains this text; connects: "writer" or "reader".
    std::string sql_contains;
    bool after_commit = false; // commits: commit for real, then throw
    // Statements: instead of throwing, run this on the connection first.
    std::function<void(sql::Connection&)> hook;
  };

  explicit FaultyDatabase(sql::Database& inner) : inner_(inner) {}

  // Adds a fault; several may be armed at once, each counting its own matches.
  void arm(Fault fault);
  void disarm();
  // How many times armed faults struck so far.
  int fired() const;

  sql::Dialect dialect() const noexcept override { return inner_.dialect(); }
  sql::PooledConnection writer() override;
  sql::PooledConnection reader() override;
  sql::PoolStats stats() const override { return inner_.stats(); }
  bool ping() override { return inner_.ping(); }

  // Called by the wrapped connections (FaultyConnection in faulty_database.cpp).
  void on_statement(std::string_view sql, sql::Connection& conn);
  void on_commit(sql::Connection& conn);

 private:
  struct Armed {
    Fault fault;
    int seen = 0;
  };
  // The fault that strikes this operation, if any (consumes a match of each fault).
  std::optional<Fault> strike(On on, std::string_view sql);
  sql::PooledConnection wrap(sql::PooledConnection inner);

  sql::Database& inner_;
  mutable std::mutex mu_;
  std::vector<Armed> armed_;
  int fired_ = 0;
};

}  // namespace admit::test
