#include "storage/postgres/postgres_connection.hpp"

#include <libpq-fe.h>

#include <cctype>
#include <charconv>
#include <cstring>
#include <string>
#include <utility>

#include "storage/postgres/postgres_database.hpp"

namespace admit::sql {

namespace {

// Type OIDs from the pg_type catalog (stable across versions).
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;

enum ColumnKind : unsigned char { kText, kInteger, kBool };

constexpr std::size_t kMaxCachedStatements = 1024;
constexpr std::size_t kSqlInMessages = 160;

void ignore_notice(void*, const char*) {}

std::string sql_excerpt(std::string_view sql) {
  std::string out(sql.substr(0, kSqlInMessages));
  if (sql.size() > kSqlInMessages) out += "...";
  return out;
}

std::string trimmed(const char* message) {
  std::string out = message ? message : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

DbError::Kind kind_of(std::string_view sqlstate) noexcept {
  if (sqlstate == "23505") return DbError::Kind::unique_violation;
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") return DbError::Kind::busy;
  if (sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" ||
      sqlstate == "57P03")
    return DbError::Kind::connection;
  return DbError::Kind::other;
}

}  // namespace

std::string number_placeholders(std::string_view sql, int& count) {
  std::string out;
  out.reserve(sql.size() + 16);
  const std::size_t n = sql.size();
  std::size_t i = 0;
  while (i < n) {
    const char c = sql[i];
    if (c == '?') {
      out += '$';
      out += std::to_string(++count);
      ++i;
    } else if (c == '\'' || c == '"') {
      // A quoted string or identifier; a doubled quote is an escaped quote. E'...'
      // strings also escape with a backslash.
      const bool backslashes = c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                               (i < 2 || !(std::isalnum(static_cast<unsigned char>(sql[i - 2])) ||
                                           sql[i - 2] == '_'));
      out += c;
      ++i;
      while (i < n) {
        const char d = sql[i];
        out += d;
        ++i;
        if (backslashes && d == '\\' && i < n) {
          out += sql[i];
          ++i;
        } else if (d == c) {
          if (i < n && sql[i] == c) {
            out += c;
            ++i;
          } else {
            break;
          }
        }
      }
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      const auto end = sql.find('\n', i);
      const auto stop = end == std::string_view::npos ? n : end;
      out.append(sql.substr(i, stop - i));
      i = stop;
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      const auto end = sql.find("*/", i + 2);
      const auto stop = end == std::string_view::npos ? n : end + 2;
      out.append(sql.substr(i, stop - i));
      i = stop;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

void PostgresConnection::ResultDeleter::operator()(pg_result* r) const noexcept { PQclear(r); }

PostgresConnection::PostgresConnection(const std::string& url, bool durable) {
  // Our defaults come first; settings in the URL override them (an `options` there replaces
  // ours whole).
  //
  // enable_seqscan=off: every statement admit sends, and every foreign-key check it causes,
  // finds its rows through an index. PostgreSQL keeps a session's plans (prepared
  // statements, foreign-key checks) once made, and a plan made while a table was small
  // scans it whole; when a sale then grows registrations or tickets by thousands of rows a
  // second, every check scans the grown table until autovacuum's next ANALYZE, up to a
  // minute later (docs/decisions/0007). Off only penalises scans: a query with no usable
  // index still scans.
  //
  // Relaxed durability adds synchronous_commit=off: commits return before their WAL is
  // flushed (a server crash may lose the last ~0.6 s of them, never corrupting anything;
  // wal_writer_delay x 3).
  const std::string options = durable ? "-c enable_seqscan=off" : "-c enable_seqscan=off -c synchronous_commit=off";
  const char* keywords[] = {"connect_timeout", "client_encoding", "options", "dbname", "fallback_application_name",
                            nullptr};
  const char* values[] = {"10", "UTF8", options.c_str(), url.c_str(), "admit", nullptr};
  conn_ = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn_ == nullptr)
    throw DbError(DbError::Kind::connection, "cannot connect to PostgreSQL: out of memory");
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = trimmed(PQerrorMessage(conn_));
    PQfinish(conn_);
    conn_ = nullptr;
    throw DbError(DbError::Kind::connection,
                  "cannot connect to PostgreSQL at " + redact_url(url) + ": " + message);
  }
  PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
  if (durable) {
    // A server, database or role default of `off` would acknowledge commits that a
    // crash can take back; admit's sessions never run that way unless told to.
    try {
      Result shown = exec_simple("SHOW synchronous_commit");
      if (PQntuples(shown.get()) == 1 && std::strcmp(PQgetvalue(shown.get(), 0, 0), "off") == 0)
        exec_simple("SET synchronous_commit = on");
    } catch (...) {
      PQfinish(conn_);
      conn_ = nullptr;
      throw;
    }
  }
}

PostgresConnection::~PostgresConnection() { PQfinish(conn_); }

bool PostgresConnection::broken() const noexcept {
  return broken_ || PQstatus(conn_) != CONNECTION_OK;
}

bool PostgresConnection::in_transaction() const noexcept {
  const auto status = PQtransactionStatus(conn_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

void PostgresConnection::fail(const pg_result* result, std::string_view sql) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  DbError::Kind kind = kind_of(state ? state : "");
  if (PQstatus(conn_) != CONNECTION_OK) {
    broken_ = true;
    kind = DbError::Kind::connection;
  }
  // The primary message and the constraint name, not DETAIL: details quote the
  // offending values, which may be personal data or token hashes.
  std::string message = "postgres: ";
  const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  message += primary ? std::string(primary) : trimmed(PQerrorMessage(conn_));
  if (state) {
    message += " [";
    message += state;
    message += ']';
  }
  if (!sql.empty()) message += " (in: " + sql_excerpt(sql) + ")";
  throw DbError(kind, message);
}

PostgresConnection::Result PostgresConnection::exec_simple(const char* sql) {
  Result result(PQexec(conn_, sql));
  const auto status = PQresultStatus(result.get());
  if (!result || (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK))
    fail(result.get(), sql);
  return result;
}

const PostgresConnection::Prepared& PostgresConnection::prepare(std::string_view sql) {
  if (auto it = statements_.find(sql); it != statements_.end()) return it->second;
  if (statements_.size() >= kMaxCachedStatements) {
    // Many distinct texts (generated SQL): start the cache again.
    Result done(PQexec(conn_, "DEALLOCATE ALL"));
    if (PQresultStatus(done.get()) == PGRES_COMMAND_OK) statements_.clear();
  }
  Prepared prepared;
  const std::string text = number_placeholders(sql, prepared.params);
  prepared.name = "admit_" + std::to_string(++next_statement_);
  Result result(PQprepare(conn_, prepared.name.c_str(), text.c_str(), 0, nullptr));
  if (!result || PQresultStatus(result.get()) != PGRES_COMMAND_OK) fail(result.get(), sql);
  return statements_.emplace(std::string(sql), std::move(prepared)).first->second;
}

PostgresConnection::Result PostgresConnection::run(std::string_view sql,
                                                   const std::vector<Value>& params) {
  const Prepared& prepared = prepare(sql);
  const std::size_t n = params.size();
  if (static_cast<std::size_t>(prepared.params) != n)
    throw DbError(DbError::Kind::other, "postgres: statement expects " +
                                            std::to_string(prepared.params) + " parameters, got " +
                                            std::to_string(n) + " (in: " + sql_excerpt(sql) + ")");
  if (param_values_.size() < n) param_values_.resize(n);
  if (param_numbers_.size() < n) param_numbers_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const Value& v = params[i];
    if (const auto* number = std::get_if<std::int64_t>(&v)) {
      auto& buffer = param_numbers_[i];
      const auto end = std::to_chars(buffer.data(), buffer.data() + buffer.size() - 1, *number).ptr;
      *end = '\0';
      param_values_[i] = buffer.data();
    } else if (const auto* text = std::get_if<std::string>(&v)) {
      if (std::memchr(text->data(), '\0', text->size()) != nullptr)
        throw DbError(DbError::Kind::other, "postgres: text parameter " + std::to_string(i + 1) +
                                                " contains a NUL byte (in: " + sql_excerpt(sql) + ")");
      param_values_[i] = text->c_str();
    } else {
      param_values_[i] = nullptr;
    }
  }
  Result result(PQexecPrepared(conn_, prepared.name.c_str(), static_cast<int>(n),
                               param_values_.data(), nullptr, nullptr, 0));
  const auto status = PQresultStatus(result.get());
  if (!result || (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)) fail(result.get(), sql);
  return result;
}

Rows PostgresConnection::query(std::string_view sql, const std::vector<Value>& params) {
  const Result result = run(sql, params);
  const pg_result* r = result.get();
  const int rows = PQntuples(r);
  const int columns = PQnfields(r);
  column_kinds_.resize(static_cast<std::size_t>(columns));
  for (int c = 0; c < columns; ++c) {
    const Oid type = PQftype(r, c);
    column_kinds_[static_cast<std::size_t>(c)] =
        (type == kInt8Oid || type == kInt4Oid || type == kInt2Oid) ? kInteger
        : type == kBoolOid                                         ? kBool
                                                                   : kText;
  }
  Rows out;
  out.reserve(static_cast<std::size_t>(rows));
  for (int row = 0; row < rows; ++row) {
    std::vector<Value> values;
    values.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(r, row, c)) {
        values.emplace_back(nullptr);
        continue;
      }
      const char* text = PQgetvalue(r, row, c);
      const int length = PQgetlength(r, row, c);
      switch (column_kinds_[static_cast<std::size_t>(c)]) {
        case kInteger: {
          std::int64_t number = 0;
          const auto [ptr, ec] = std::from_chars(text, text + length, number);
          if (ec != std::errc() || ptr != text + length)
            throw DbError(DbError::Kind::other, "postgres: bad integer '" + std::string(text, length) + "'");
          values.emplace_back(number);
          break;
        }
        case kBool:
          values.emplace_back(static_cast<std::int64_t>(length > 0 && text[0] == 't' ? 1 : 0));
          break;
        default:
          values.emplace_back(std::in_place_type<std::string>, text, static_cast<std::size_t>(length));
          break;
      }
    }
    out.emplace_back(std::move(values));
  }
  return out;
}

std::int64_t PostgresConnection::execute(std::string_view sql, const std::vector<Value>& params) {
  const Result result = run(sql, params);
  const char* tuples = PQcmdTuples(result.get());
  std::int64_t changed = 0;
  if (tuples && *tuples) std::from_chars(tuples, tuples + std::strlen(tuples), changed);
  return changed;
}

void PostgresConnection::execute_script(std::string_view sql) {
  const std::string text(sql);
  exec_simple(text.c_str());
}

void PostgresConnection::begin() { exec_simple("BEGIN"); }

void PostgresConnection::commit() {
  const Result result = exec_simple("COMMIT");
  // COMMIT of a transaction that already failed "succeeds" by rolling back.
  if (std::strcmp(PQcmdStatus(result.get()), "ROLLBACK") == 0)
    throw DbError(DbError::Kind::other,
                  "postgres: transaction rolled back at COMMIT after an earlier error");
}

void PostgresConnection::rollback() noexcept {
  const auto status = PQtransactionStatus(conn_);
  if (status == PQTRANS_UNKNOWN) {
    broken_ = true;
    return;
  }
  if (status == PQTRANS_IDLE) return;
  Result result(PQexec(conn_, "ROLLBACK"));
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) broken_ = true;
}

}  // namespace admit::sql
