#include "storage/postgres/postgres_database.hpp"

#include <libpq-fe.h>

#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "storage/postgres/postgres_connection.hpp"

namespace admit::sql {

namespace {

class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(std::string url, const OpenOptions& options)
      : url_(std::move(url)), max_size_(options.pool_size), durable_(options.durable) {
    // One connection now, so a wrong URL or an unreachable server fails at start.
    idle_.push_back(std::make_unique<PostgresConnection>(url_, durable_));
    open_ = 1;
  }

  ~PostgresDatabase() override = default;

  Dialect dialect() const noexcept override { return Dialect::postgres; }
  PooledConnection writer() override { return borrow(); }
  PooledConnection reader() override { return borrow(); }

  PoolStats stats() const override {
    std::lock_guard lock(mu_);
    PoolStats s;
    s.size = open_;
    s.in_use = in_use_;
    s.waits = waits_;
    return s;
  }

  bool ping() override {
    try {
      auto conn = borrow();
      return conn->query("SELECT 1").size() == 1;
    } catch (const std::exception&) {
      return false;
    }
  }

 private:
  PooledConnection borrow() {
    std::unique_lock lock(mu_);
    if (idle_.empty() && open_ >= max_size_) {
      ++waits_;
      cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_size_; });
    }
    if (!idle_.empty()) {
      PostgresConnection* conn = idle_.back().release();
      idle_.pop_back();
      ++in_use_;
      return lend(conn);
    }
    // Open a new connection outside the lock; its slot is reserved meanwhile.
    ++open_;
    lock.unlock();
    try {
      auto fresh = std::make_unique<PostgresConnection>(url_, durable_);
      lock.lock();
      ++in_use_;
      return lend(fresh.release());
    } catch (...) {
      if (!lock.owns_lock()) lock.lock();
      --open_;
      lock.unlock();
      cv_.notify_one();
      throw;
    }
  }

  PooledConnection lend(PostgresConnection* conn) {
    return PooledConnection(conn, [this](Connection* c) { release(c); });
  }

  void release(Connection* c) noexcept {
    std::unique_ptr<PostgresConnection> conn(static_cast<PostgresConnection*>(c));
    // A borrower that leaves a transaction open must not leak it to the next one.
    conn->rollback();
    const bool keep = !conn->broken();
    {
      std::lock_guard lock(mu_);
      --in_use_;
      if (keep) {
        idle_.push_back(std::move(conn));
      } else {
        --open_;  // closed below, outside the lock; the next borrow opens a fresh one
      }
    }
    cv_.notify_one();
  }

  const std::string url_;
  const int max_size_;
  const bool durable_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PostgresConnection>> idle_;
  int open_ = 0;  // idle + lent + being opened
  int in_use_ = 0;
  std::int64_t waits_ = 0;
};

}  // namespace

std::string redact_url(std::string_view url) {
  std::string out(url);
  // scheme://user:password@host/... -> scheme://user:***@host/...
  if (const auto scheme_end = out.find("://"); scheme_end != std::string::npos) {
    const auto authority_begin = scheme_end + 3;
    auto authority_end = out.find_first_of("/?#", authority_begin);
    if (authority_end == std::string::npos) authority_end = out.size();
    const auto at = out.rfind('@', authority_end);
    if (at != std::string::npos && at >= authority_begin) {
      const auto colon = out.find(':', authority_begin);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // A password may also be a parameter: ?password=... or password=... in a conninfo.
  for (auto pos = out.find("password="); pos != std::string::npos; pos = out.find("password=", pos + 1)) {
    if (pos > 0 && out[pos - 1] != '?' && out[pos - 1] != '&' && out[pos - 1] != ' ') continue;
    const auto value_begin = pos + 9;
    auto value_end = out.find_first_of("& ", value_begin);
    if (value_end == std::string::npos) value_end = out.size();
    out.replace(value_begin, value_end - value_begin, "***");
  }
  return out;
}

std::unique_ptr<Database> open_postgres(const std::string& url, const OpenOptions& options) {
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &error);
  if (parsed == nullptr) {
    std::string message = error ? error : "out of memory";
    PQfreemem(error);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    // libpq quotes the offending token, which could be (part of) the password.
    if (const auto scheme_end = url.find("://"); scheme_end != std::string::npos) {
      const auto at = url.find('@', scheme_end);
      const auto colon = url.find(':', scheme_end + 3);
      if (at != std::string::npos && colon < at) {
        const std::string_view password = std::string_view(url).substr(colon + 1, at - colon - 1);
        for (auto open = message.find('"'); open != std::string::npos;) {
          const auto close = message.find('"', open + 1);
          if (close == std::string::npos) break;
          const auto token = std::string_view(message).substr(open + 1, close - open - 1);
          if (!token.empty() && password.find(token) != std::string_view::npos) {
            message = "malformed user name or password (check its percent-encoding)";
            break;
          }
          open = message.find('"', close + 1);
        }
      }
    }
    throw std::runtime_error("invalid PostgreSQL URL " + redact_url(url) + ": " + message);
  }
  PQconninfoFree(parsed);
  return std::make_unique<PostgresDatabase>(url, options);
}

}  // namespace admit::sql
