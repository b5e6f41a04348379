// Store conformance: the registration engine when the database fails (issue 15), on every
// backend. A FaultyDatabase (tests/support/faulty_database.hpp) wraps the real one and
// fails where each test says; the engine must answer every request either 201 for a
// registration that is stored, or 503 with Retry-After, and never oversell.
#include <future>
#include <set>

#include "integration/store/registration_test_support.hpp"
#include "support/faulty_database.hpp"

namespace admit::test {
namespace {

using Fault = FaultyDatabase::Fault;
using On = FaultyDatabase::On;
using Kind = sql::DbError::Kind;

class RegistrationFaultsTest : public RegistrationFixture {
 protected:
  void SetUp() override {
    RegistrationFixture::SetUp();
    faulty_ = std::make_unique<FaultyDatabase>(*db_);
    faulty_store_ = std::make_unique<sql::SqlRegistrationStore>(*faulty_);
  }
  void TearDown() override {
    faulty_engine_.reset();
    RegistrationFixture::TearDown();
  }

  // Queues every request before the engine starts, so its writer takes them as ONE batch.
  std::vector<Result<RegistrationOutcome>> one_batch(std::vector<RegistrationRequest> reqs) {
    RegistrationEngineOptions o;
    o.writers = 1;
    o.batch = 128;
    o.queue = 1000;
    faulty_engine_ = std::make_unique<RegistrationEngine>(*faulty_store_, clock_, payments_, o);
    std::vector<std::promise<Result<RegistrationOutcome>>> promises(reqs.size());
    std::vector<std::future<Result<RegistrationOutcome>>> futures;
    for (std::size_t i = 0; i < reqs.size(); ++i) {
      futures.push_back(promises[i].get_future());
      faulty_engine_->submit(std::move(reqs[i]), [&promises, i](Result<RegistrationOutcome> r) {
        promises[i].set_value(std::move(r));
      });
    }
    faulty_engine_->start();
    std::vector<Result<RegistrationOutcome>> out;
    for (auto& f : futures) out.push_back(f.get());
    return out;
  }

  std::vector<RegistrationRequest> requests(const Event& e, int n) {
    std::vector<RegistrationRequest> out;
    for (const auto& u : make_users(n)) out.push_back(request(e, u));
    return out;
  }

  // Every answer is a 201 for a stored registration or a 503 with Retry-After for one
  // that is not; the counters match the rows.
  void expect_answers_match_rows(const std::vector<RegistrationRequest>& reqs,
                                 const std::vector<Result<RegistrationOutcome>>& results) {
    ASSERT_EQ(reqs.size(), results.size());
    for (std::size_t i = 0; i < reqs.size(); ++i) {
      const auto stored = scalar("SELECT COUNT(*) FROM registrations WHERE user_id = ? AND idempotency_key = ?",
                                 {reqs[i].user_id, reqs[i].idempotency_key});
      if (results[i].ok()) {
        EXPECT_EQ(stored, 1) << "request " << i << " answered with a registration that is not stored";
        EXPECT_EQ(scalar("SELECT COUNT(*) FROM registrations WHERE id = ?", {results[i]->registration.id}), 1);
      } else {
        EXPECT_EQ(results[i].error().code, ErrorCode::unavailable) << results[i].error().detail;
        EXPECT_GT(results[i].error().retry_after_seconds, 0);
      }
    }
    expect_counters_equal_rows();
  }

  std::unique_ptr<FaultyDatabase> faulty_;
  std::unique_ptr<sql::SqlRegistrationStore> faulty_store_;
  std::unique_ptr<RegistrationEngine> faulty_engine_;
};

TEST_F(RegistrationFaultsTest, FailedBatchIsRedoneOneRequestAtATime) {
  Event e = make_event(100, {type("General", 100)});
  auto reqs = requests(e, 4);  // one INSERT INTO registrations for the batch (4 rows)
  faulty_->arm(Fault{.on = On::statement, .kind = Kind::other, .sql_contains = "INSERT INTO registrations"});
  auto results = one_batch(reqs);
  EXPECT_EQ(faulty_->fired(), 1);
  EXPECT_EQ(count_created(results), 4);
  EXPECT_EQ(faulty_engine_->stats().batches, 4u);  // the failed batch, then four of one
  EXPECT_EQ(event_sold(e.id), 4);
  expect_answers_match_rows(reqs, results);
}

TEST_F(RegistrationFaultsTest, RequestWhoseOwnTransactionFailsAnswers503AndIsNotStored) {
  Event e = make_event(100, {type("General", 100)});
  auto reqs = requests(e, 4);
  // The batch's insert, then the second single request's insert.
  faulty_->arm(Fault{.on = On::statement, .nth = 1, .kind = Kind::other, .sql_contains = "INSERT INTO registrations"});
  faulty_->arm(Fault{.on = On::statement, .nth = 3, .kind = Kind::other, .sql_contains = "INSERT INTO registrations"});
  auto results = one_batch(reqs);
  EXPECT_EQ(faulty_->fired(), 2);
  EXPECT_EQ(count_created(results), 3);
  EXPECT_EQ(count_code(results, ErrorCode::unavailable), 1);
  EXPECT_EQ(event_sold(e.id), 3);
  expect_answers_match_rows(reqs, results);

  // The client retries with the same key: now it is stored, once.
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    if (results[i].ok()) continue;
    auto again = submit(reqs[i]);
    ASSERT_TRUE(again.ok()) << again.error().detail;
    EXPECT_TRUE(again->created);
  }
  EXPECT_EQ(event_sold(e.id), 4);
  expect_counters_equal_rows();
}

class CounterMovedTest : public RegistrationFaultsTest,
                         public ::testing::WithParamInterface<const char*> {};

// Something that skipped the event lock took a seat between the batch's capacity check
// and its conditional counter update: the update refuses, the batch rolls back, and the
// requests run again one per transaction, each deciding from the counters as they are.
TEST_P(CounterMovedTest, ConditionalUpdateRefusesAndTheBatchIsRedone) {
  const std::string table = GetParam();
  Event e = make_event(4, {type("General", 4)});
  auto reqs = requests(e, 4);
  const std::string id = table == "events" ? e.id : e.ticket_types.at(0).id;
  faulty_->arm(Fault{.on = On::statement,
                     .sql_contains = "UPDATE " + table + " SET sold = sold + CASE",
                     .hook = [table, id](sql::Connection& c) {
                       c.execute("UPDATE " + table + " SET sold = sold + 1 WHERE id = ?", {id});
                     }});
  auto results = one_batch(reqs);
  EXPECT_EQ(faulty_->fired(), 1);
  EXPECT_EQ(count_created(results), 4);  // the seat taken in the failed batch rolled back
  EXPECT_EQ(event_sold(e.id), 4);
  EXPECT_EQ(live_tickets(e.id), 4);
  expect_answers_match_rows(reqs, results);
}

INSTANTIATE_TEST_SUITE_P(Counters, CounterMovedTest, ::testing::Values("events", "ticket_types"));

TEST_F(RegistrationFaultsTest, BusyDatabaseIsRetriedInsideTheStore) {
  Event e = make_event(100, {type("General", 100)});
  auto reqs = requests(e, 4);
  // Busy four times in a row: the store's fifth attempt goes through, as one batch.
  faulty_->arm(Fault{.on = On::statement, .times = 4, .kind = Kind::busy, .sql_contains = "BEGIN"});
  auto results = one_batch(reqs);
  EXPECT_EQ(faulty_->fired(), 4);
  EXPECT_EQ(count_created(results), 4);
  EXPECT_EQ(faulty_engine_->stats().batches, 1u);
  expect_answers_match_rows(reqs, results);
}

TEST_F(RegistrationFaultsTest, DatabaseBusyForEverAnswers503AndStoresNothing) {
  Event e = make_event(100, {type("General", 100)});
  auto reqs = requests(e, 3);
  faulty_->arm(Fault{.on = On::statement, .times = 1000, .kind = Kind::busy, .sql_contains = "BEGIN"});
  auto results = one_batch(reqs);
  EXPECT_EQ(faulty_->fired(), 5 * 4);  // five attempts for the batch, then for each request
  EXPECT_EQ(count_code(results, ErrorCode::unavailable), 3);
  EXPECT_EQ(event_sold(e.id), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM registrations WHERE event_id = ?", {e.id}), 0);
  expect_answers_match_rows(reqs, results);
}

TEST_F(RegistrationFaultsTest, ConnectionLostMidBatchIsRedoneOnFreshConnections) {
  Event e = make_event(100, {type("General", 100)});
  auto reqs = requests(e, 4);
  faulty_->arm(Fault{.on = On::statement, .kind = Kind::connection, .sql_contains = "INSERT INTO tickets"});
  auto results = one_batch(reqs);
  EXPECT_EQ(faulty_->fired(), 1);
  EXPECT_EQ(count_created(results), 4);
  EXPECT_EQ(faulty_engine_->stats().batches, 4u);  // the batch failed and was redone
  expect_answers_match_rows(reqs, results);
}

TEST_F(RegistrationFaultsTest, NoWriterConnectionAnswers503) {
  Event e = make_event(100, {type("General", 100)});
  auto reqs = requests(e, 2);
  faulty_->arm(Fault{.on = On::connect, .times = 1000, .kind = Kind::connection, .sql_contains = "writer"});
  auto results = one_batch(reqs);
  EXPECT_EQ(count_code(results, ErrorCode::unavailable), 2);
  expect_answers_match_rows(reqs, results);
}

TEST_F(RegistrationFaultsTest, WriterConnectionFailingOnceCostsOnlyARedo) {
  Event e = make_event(100, {type("General", 100)});
  auto reqs = requests(e, 3);
  faulty_->arm(Fault{.on = On::connect, .kind = Kind::connection, .sql_contains = "writer"});
  auto results = one_batch(reqs);
  EXPECT_EQ(faulty_->fired(), 1);
  EXPECT_EQ(count_created(results), 3);
  expect_answers_match_rows(reqs, results);
}

// The commit happened but its answer was lost (the connection dropped): the redo finds
// every key taken and answers those registrations; nothing is stored twice.
TEST_F(RegistrationFaultsTest, CommitWhoseAnswerWasLostIsNotStoredTwice) {
  Event e = make_event(100, {type("General", 100)});
  auto reqs = requests(e, 4);
  faulty_->arm(Fault{.on = On::commit, .kind = Kind::connection, .after_commit = true});
  auto results = one_batch(reqs);
  EXPECT_EQ(faulty_->fired(), 1);
  for (const auto& r : results) ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_EQ(count_created(results), 0);  // replays of what the lost commit stored
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM registrations WHERE event_id = ?", {e.id}), 4);
  EXPECT_EQ(event_sold(e.id), 4);
  expect_answers_match_rows(reqs, results);
}

TEST_F(RegistrationFaultsTest, CommitFailingBeforeItHappensAnswers503OrStores) {
  Event e = make_event(100, {type("General", 100)});
  auto reqs = requests(e, 4);
  faulty_->arm(Fault{.on = On::commit, .times = 2, .kind = Kind::connection});
  auto results = one_batch(reqs);
  EXPECT_EQ(faulty_->fired(), 2);  // the batch's commit, then the first single's
  EXPECT_EQ(count_created(results), 3);
  EXPECT_EQ(count_code(results, ErrorCode::unavailable), 1);
  expect_answers_match_rows(reqs, results);
}

// PostgreSQL only: the server ends the writer's session in the middle of a batch.
TEST_F(RegistrationFaultsTest, PostgresBackendTerminatedMidBatch) {
  if (db_->dialect() != sql::Dialect::postgres) GTEST_SKIP() << "PostgreSQL only";
  Event e = make_event(100, {type("General", 100)});
  auto reqs = requests(e, 4);
  sql::Database* admin = db_.get();
  faulty_->arm(Fault{.on = On::statement,
                     .sql_contains = "INSERT INTO registrations",
                     .hook = [admin](sql::Connection& c) {
                       const auto pid = c.query("SELECT pg_backend_pid()").at(0).i64(0);
                       auto other = admin->writer();
                       other->query("SELECT pg_terminate_backend(?)", {pid});
                     }});
  auto results = one_batch(reqs);
  EXPECT_EQ(faulty_->fired(), 1);
  EXPECT_EQ(count_created(results), 4);
  EXPECT_EQ(faulty_engine_->stats().batches, 4u);  // the batch failed and was redone
  expect_answers_match_rows(reqs, results);
}

// The sold-out flag is trusted for `sold_out_recheck` on the engine's Clock, not the
// wall clock: moving the test clock makes the next request look at the database again.
TEST_F(RegistrationFaultsTest, SoldOutRecheckFollowsTheEngineClock) {
  Event e = make_event(1, {type("General", 1)});
  auto users = make_users(4);
  auto first = submit(request(e, users[0]));
  ASSERT_TRUE(first.ok());
  auto second = submit(request(e, users[1]));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::sold_out);
  // The seat comes back behind this engine's back (another node cancelled it).
  {
    auto conn = db_->writer();
    sql::in_transaction(*conn, [&](sql::Connection& c) {
      c.execute("UPDATE registrations SET status = 'cancelled' WHERE id = ?", {first->registration.id});
      c.execute("UPDATE tickets SET status = 'cancelled' WHERE registration_id = ?", {first->registration.id});
      c.execute("UPDATE events SET sold = 0 WHERE id = ?", {e.id});
      c.execute("UPDATE ticket_types SET sold = 0 WHERE event_id = ?", {e.id});
    });
  }
  // Within sold_out_recheck the engine still answers from its flag (raised when the
  // first registration took the last seat).
  const auto from_memory = engine_->stats().sold_out_from_memory;
  EXPECT_GE(from_memory, 1u);
  clock_.advance(engine_->options().sold_out_recheck - std::chrono::milliseconds(1));
  auto third = submit(request(e, users[2]));
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code, ErrorCode::sold_out);
  EXPECT_EQ(engine_->stats().sold_out_from_memory, from_memory + 1);
  clock_.advance(std::chrono::milliseconds(2));  // now past sold_out_recheck
  auto fourth = submit(request(e, users[3]));
  ASSERT_TRUE(fourth.ok()) << fourth.error().detail;
  EXPECT_TRUE(fourth->created);
  expect_counters_equal_rows();
}

}  // namespace
}  // namespace admit::test
