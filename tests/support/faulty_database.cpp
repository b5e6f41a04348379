#include "support/faulty_database.hpp"

#include <memory>
#include <optional>
#include <utility>

namespace admit::test {
namespace {

const char* name_of(FaultyDatabase::On on) {
  switch (on) {
    case FaultyDatabase::On::statement: return "statement";
    case FaultyDatabase::On::commit: return "commit";
    case FaultyDatabase::On::connect: return "connect";
  }
  return "operation";
}

[[noreturn]] void raise(const FaultyDatabase::Fault& f) {
  throw sql::DbError(f.kind, std::string("injected fault on a ") + name_of(f.on));
}

class FaultyConnection final : public sql::Connection {
 public:
  FaultyConnection(FaultyDatabase& db, sql::PooledConnection inner)
      : db_(db), inner_(std::move(inner)) {}

  sql::Rows query(std::string_view sql, const std::vector<sql::Value>& params) override {
    db_.on_statement(sql, *inner_);
    return inner_->query(sql, params);
  }
  std::int64_t execute(std::string_view sql, const std::vector<sql::Value>& params) override {
    db_.on_statement(sql, *inner_);
    return inner_->execute(sql, params);
  }
  void execute_script(std::string_view sql) override {
    db_.on_statement(sql, *inner_);
    inner_->execute_script(sql);
  }
  void begin() override {
    db_.on_statement("BEGIN", *inner_);
    inner_->begin();
  }
  void commit() override { db_.on_commit(*inner_); }
  void rollback() noexcept override { inner_->rollback(); }
  sql::Dialect dialect() const noexcept override { return inner_->dialect(); }

 private:
  FaultyDatabase& db_;
  sql::PooledConnection inner_;
};

}  // namespace

void FaultyDatabase::arm(Fault fault) {
  std::lock_guard lock(mu_);
  armed_.push_back(Armed{std::move(fault), 0});
}

void FaultyDatabase::disarm() {
  std::lock_guard lock(mu_);
  armed_.clear();
}

int FaultyDatabase::fired() const {
  std::lock_guard lock(mu_);
  return fired_;
}

std::optional<FaultyDatabase::Fault> FaultyDatabase::strike(On on, std::string_view sql) {
  std::lock_guard lock(mu_);
  std::optional<Fault> hit;
  for (Armed& a : armed_) {
    if (a.fault.on != on) continue;
    if (on != On::commit && !a.fault.sql_contains.empty() &&
        sql.find(a.fault.sql_contains) == std::string_view::npos)
      continue;
    ++a.seen;
    if (!hit && a.seen >= a.fault.nth && a.seen < a.fault.nth + a.fault.times) {
      hit = a.fault;
      ++fired_;
    }
  }
  return hit;
}

void FaultyDatabase::on_statement(std::string_view sql, sql::Connection& conn) {
  auto hit = strike(On::statement, sql);
  if (!hit) return;
  if (hit->hook) {
    hit->hook(conn);
    return;
  }
  raise(*hit);
}

void FaultyDatabase::on_commit(sql::Connection& conn) {
  auto hit = strike(On::commit, "COMMIT");
  if (hit && !hit->after_commit) raise(*hit);
  conn.commit();
  if (hit) raise(*hit);
}

sql::PooledConnection FaultyDatabase::wrap(sql::PooledConnection inner) {
  auto* conn = new FaultyConnection(*this, std::move(inner));
  return sql::PooledConnection(conn, [](sql::Connection* c) { delete c; });
}

sql::PooledConnection FaultyDatabase::writer() {
  if (auto hit = strike(On::connect, "writer")) raise(*hit);
  return wrap(inner_.writer());
}

sql::PooledConnection FaultyDatabase::reader() {
  if (auto hit = strike(On::connect, "reader")) raise(*hit);
  return wrap(inner_.reader());
}

}  // namespace admit::test
