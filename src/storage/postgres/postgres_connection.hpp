#pragma once
// PostgresConnection: one libpq connection behind the sql::Connection port.
//
// Contract: not thread-safe; the owning PostgresDatabase lends it to one borrower at a
// time. `?` placeholders are rewritten to $1..$n (not inside quoted strings, quoted
// identifiers or comments); each distinct SQL text is prepared once per connection and
// cached. Parameters travel as text (int64 as decimal); results come back in text
// format and columns of type int2/int4/int8 become int64, bool becomes 0/1, NULL
// becomes nullptr, everything else stays text. Errors are DbError: SQLSTATE 23505 ->
// unique_violation, 40001/40P01/55P03 -> busy, a lost connection -> connection (and
// broken() turns true so the pool replaces it), the rest -> other.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storage/sql/database.hpp"

struct pg_conn;
struct pg_result;

namespace admit::sql {

// Rewrites `?` placeholders to $1..$n outside quotes and comments; adds their number to
// `count`.
std::string number_placeholders(std::string_view sql, int& count);

class PostgresConnection final : public Connection {
 public:
  // Connects to `url` (a libpq URI). Throws DbError(connection) naming the server but
  // never the password. Durable (the default): the session's `synchronous_commit` stays
  // as the server sets it, except that `off` is turned back to `on`, so COMMIT returns
  // only after its WAL is flushed. Not durable: the session runs `synchronous_commit=off`.
  explicit PostgresConnection(const std::string& url, bool durable = true);
  ~PostgresConnection() override;
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  Rows query(std::string_view sql, const std::vector<Value>& params = {}) override;
  std::int64_t execute(std::string_view sql, const std::vector<Value>& params = {}) override;
  void execute_script(std::string_view sql) override;
  void begin() override;
  void commit() override;
  void rollback() noexcept override;
  Dialect dialect() const noexcept override { return Dialect::postgres; }

  // True once the connection to the server is lost; it must then be discarded.
  bool broken() const noexcept;
  bool in_transaction() const noexcept;

 private:
  struct Prepared {
    std::string name;
    int params = 0;
  };
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  using StatementCache = std::unordered_map<std::string, Prepared, TextHash, std::equal_to<>>;
  struct ResultDeleter {
    void operator()(pg_result* r) const noexcept;
  };
  using Result = std::unique_ptr<pg_result, ResultDeleter>;

  const Prepared& prepare(std::string_view sql);
  Result run(std::string_view sql, const std::vector<Value>& params);
  Result exec_simple(const char* sql);
  [[noreturn]] void fail(const pg_result* result, std::string_view sql);

  pg_conn* conn_ = nullptr;
  StatementCache statements_;
  std::uint64_t next_statement_ = 0;
  bool broken_ = false;
  // Reused between calls so binding parameters does not allocate.
  std::vector<const char*> param_values_;
  std::vector<std::array<char, 24>> param_numbers_;
  std::vector<unsigned char> column_kinds_;
};

}  // namespace admit::sql
