#pragma once
// Shared fixture of the registration store suites: a fresh database, the SQL stores, a
// manual clock, the engine (started) and the service, plus helpers that create users and
// events in bulk and run many registrations from many threads at once.
#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/random.hpp"
#include "domain/services/registration_engine.hpp"
#include "domain/services/registration_service.hpp"
#include "storage/sql/sql_event_store.hpp"
#include "storage/sql/sql_registration_store.hpp"
#include "storage/sql/sql_user_store.hpp"
#include "payments/no_payment_gateway.hpp"
#include "support/test_database.hpp"

namespace admit::test {

using namespace std::chrono_literals;

struct UserRef {
  std::string id;
  std::string email;
};

class RegistrationFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = open_test_database({.pool_size = 8});
    users_ = std::make_unique<sql::SqlUserStore>(*db_, credentials_);
    events_ = std::make_unique<sql::SqlEventStore>(*db_);
    store_ = std::make_unique<sql::SqlRegistrationStore>(*db_);
    engine_ = make_engine(128);
    engine_->start();
    service_ = std::make_unique<RegistrationService>(*store_, *events_, *engine_, clock_,
                                                     "http://admit.test");
    organizer_ = make_users(1, "org").at(0);
  }
  void TearDown() override {
    service_.reset();
    engine_.reset();
  }

  std::unique_ptr<RegistrationEngine> make_engine(int batch) {
    RegistrationEngineOptions o;
    o.writers = db_->dialect() == sql::Dialect::sqlite ? 1 : 4;
    o.batch = batch;
    o.queue = 100000;
    return std::make_unique<RegistrationEngine>(*store_, clock_, payments_, o);
  }

  // n verified users in one transaction.
  std::vector<UserRef> make_users(int n, const std::string& prefix = "u") {
    std::vector<UserRef> out;
    auto conn = db_->writer();
    sql::in_transaction(*conn, [&](sql::Connection& c) {
      for (int i = 0; i < n; ++i) {
        UserRef u{new_id("usr"), prefix + std::to_string(i) + "." + new_id("x") + "@example.com"};
        c.execute("INSERT INTO users (id, email, name, password_hash, roles, email_verified_at, "
                  "disabled, created_at, updated_at) VALUES (?, ?, ?, 'x', 'attendee,organizer', ?, 0, ?, ?)",
                  {u.id, u.email, "User " + std::to_string(i), to_millis(now_), to_millis(now_),
                   to_millis(now_)});
        out.push_back(u);
      }
    });
    return out;
  }

  TicketType type(const std::string& name, std::int64_t capacity, std::int64_t price = 0) {
    TicketType t;
    t.id = new_id("tt");
    t.name = name;
    t.capacity = capacity;
    t.price = price;
    t.position = static_cast<int>(next_position_++);
    return t;
  }

  Event make_event(std::int64_t capacity, std::vector<TicketType> types,
                   EventStatus status = EventStatus::published) {
    Event e;
    e.id = new_id("evt");
    e.organizer_id = organizer_.id;
    e.title = "Flash sale";
    e.description = "";
    e.category = "music";
    e.venue = "Hall";
    e.starts_at = now_ + 24h * 30;
    e.ends_at = e.starts_at + 3h;
    e.timezone = "UTC";
    e.currency = "EUR";
    e.capacity = capacity;
    e.status = status;
    e.created_at = e.updated_at = now_;
    for (auto& t : types) t.event_id = e.id;
    e.ticket_types = std::move(types);
    auto created = events_->create_event(e);
    EXPECT_TRUE(created) << (created ? "" : created.error().detail);
    return created ? *created : e;
  }

  RegistrationRequest request(const Event& e, const UserRef& u, std::int64_t quantity = 1,
                              std::string key = {}) {
    return request_items(e, u, {{e.ticket_types.at(0).id, quantity}}, std::move(key));
  }
  RegistrationRequest request_items(const Event& e, const UserRef& u, std::vector<RequestedItem> items,
                                    std::string key = {}) {
    RegistrationRequest r;
    r.event_id = e.id;
    r.user_id = u.id;
    r.user_name = "Buyer";
    r.user_email = u.email;
    r.idempotency_key = key.empty() ? new_id("key") : std::move(key);
    r.items = std::move(items);
    return r;
  }

  Result<RegistrationOutcome> submit(RegistrationRequest r, RegistrationEngine* engine = nullptr) {
    std::promise<Result<RegistrationOutcome>> p;
    auto f = p.get_future();
    (engine ? engine : engine_.get())->submit(std::move(r), [&p](Result<RegistrationOutcome> out) {
      p.set_value(std::move(out));
    });
    return f.get();
  }

  // Submits every request from `threads` threads at once; results in request order.
  std::vector<Result<RegistrationOutcome>> run_concurrently(std::vector<RegistrationRequest> reqs,
                                                            int threads = 16,
                                                            std::vector<RegistrationEngine*> engines = {}) {
    if (engines.empty()) engines.push_back(engine_.get());
    std::vector<std::promise<Result<RegistrationOutcome>>> promises(reqs.size());
    std::vector<std::future<Result<RegistrationOutcome>>> futures;
    for (auto& p : promises) futures.push_back(p.get_future());
    std::atomic<bool> go{false};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        while (!go.load()) std::this_thread::yield();
        for (std::size_t i = static_cast<std::size_t>(t); i < reqs.size(); i += static_cast<std::size_t>(threads)) {
          RegistrationEngine* engine = engines[i % engines.size()];
          engine->submit(std::move(reqs[i]), [&promises, i](Result<RegistrationOutcome> out) {
            promises[i].set_value(std::move(out));
          });
        }
      });
    }
    go.store(true);
    for (auto& th : pool) th.join();
    std::vector<Result<RegistrationOutcome>> out;
    for (auto& f : futures) out.push_back(f.get());
    return out;
  }

  static int count_created(const std::vector<Result<RegistrationOutcome>>& rs) {
    int n = 0;
    for (const auto& r : rs) n += r.ok() && r->created ? 1 : 0;
    return n;
  }
  static int count_code(const std::vector<Result<RegistrationOutcome>>& rs, ErrorCode code) {
    int n = 0;
    for (const auto& r : rs) n += !r.ok() && r.error().code == code ? 1 : 0;
    return n;
  }

  std::int64_t scalar(const std::string& sql, const std::vector<sql::Value>& params = {}) {
    auto conn = db_->reader();
    auto rows = conn->query(sql, params);
    return rows.empty() ? 0 : rows[0].i64(0);
  }
  std::int64_t event_sold(const std::string& id) { return scalar("SELECT sold FROM events WHERE id = ?", {id}); }
  std::int64_t live_tickets(const std::string& event_id) {
    return scalar("SELECT COUNT(*) FROM tickets t JOIN registrations r ON r.id = t.registration_id "
                  "WHERE r.event_id = ? AND r.status IN ('confirmed', 'pending_payment') AND t.status <> 'cancelled'",
                  {event_id});
  }
  void expect_counters_equal_rows() {
    auto mismatches = store_->check_counters();
    for (const auto& m : mismatches)
      ADD_FAILURE() << m.what << " " << m.id << ": counter " << m.counter << ", rows " << m.rows;
  }

  Actor actor_of(const UserRef& u) { return Actor{u.id, {"attendee", "organizer"}, std::nullopt}; }

  Timestamp now_ = *parse_rfc3339("2026-06-01T12:00:00Z");
  ManualClock clock_{now_};
  payments::NoPaymentGateway payments_;
  std::unique_ptr<sql::Database> db_;
  sql::CredentialsEpoch credentials_;
  std::unique_ptr<sql::SqlUserStore> users_;
  std::unique_ptr<sql::SqlEventStore> events_;
  std::unique_ptr<sql::SqlRegistrationStore> store_;
  std::unique_ptr<RegistrationEngine> engine_;
  std::unique_ptr<RegistrationService> service_;
  UserRef organizer_;
  std::int64_t next_position_ = 0;
};

}  // namespace admit::test
