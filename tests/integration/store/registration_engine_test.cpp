// Store conformance: the registration engine under concurrency (DESIGN.md §4), on every
// backend. Many threads submit at once; the database must sell exactly the seats there are.
#include <future>
#include <set>

#include "common/work_pool.hpp"
#include "integration/store/registration_test_support.hpp"

namespace admit::test {
namespace {

class RegistrationEngineTest : public RegistrationFixture {};

TEST_F(RegistrationEngineTest, ThousandRequestsForHundredSeatsSellExactlyHundred) {
  Event e = make_event(100, {type("General", 100)});
  auto users = make_users(1000);
  std::vector<RegistrationRequest> reqs;
  for (const auto& u : users) reqs.push_back(request(e, u));
  auto results = run_concurrently(std::move(reqs), 16);

  EXPECT_EQ(count_created(results), 100);
  EXPECT_EQ(count_code(results, ErrorCode::sold_out), 900);
  for (const auto& r : results)
    if (r.ok()) {
      EXPECT_EQ(r->registration.status, RegistrationStatus::confirmed);
      EXPECT_EQ(r->registration.tickets.size(), 1u);
    }
  EXPECT_EQ(event_sold(e.id), 100);
  EXPECT_EQ(live_tickets(e.id), 100);
  expect_counters_equal_rows();
  auto s = engine_->stats();
  EXPECT_GE(s.batches, 1u);
  EXPECT_EQ(s.created, 100u);
}

TEST_F(RegistrationEngineTest, LastSeatContestedByThousandHasOneWinner) {
  Event e = make_event(50, {type("General", 50)});
  auto users = make_users(1001);
  ASSERT_TRUE(submit(request(e, users[0], 49)).ok());
  std::vector<RegistrationRequest> reqs;
  for (std::size_t i = 1; i < users.size(); ++i) reqs.push_back(request(e, users[i]));
  auto results = run_concurrently(std::move(reqs), 16);
  EXPECT_EQ(count_created(results), 1);
  EXPECT_EQ(count_code(results, ErrorCode::sold_out), 999);
  EXPECT_EQ(event_sold(e.id), 50);
  expect_counters_equal_rows();
}

TEST_F(RegistrationEngineTest, TenConcurrentCopiesOfOneKeyMakeOneRegistration) {
  Event e = make_event(100, {type("General", 100)});
  auto user = make_users(1).at(0);
  const std::string key = "retry-" + new_id("k");
  std::vector<RegistrationRequest> reqs;
  for (int i = 0; i < 10; ++i) reqs.push_back(request(e, user, 2, key));
  auto results = run_concurrently(std::move(reqs), 10);
  std::set<std::string> ids;
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.error().detail;
    ids.insert(r->registration.id);
  }
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(count_created(results), 1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM registrations WHERE user_id = ?", {user.id}), 1);
  EXPECT_EQ(event_sold(e.id), 2);
  expect_counters_equal_rows();

  // A later replay answers the same registration; the key with another body is refused.
  auto again = submit(request(e, user, 2, key));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->registration.id, *ids.begin());
  auto other = submit(request(e, user, 3, key));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::conflict);
}

TEST_F(RegistrationEngineTest, OneKeyAcrossTwoEnginesOnOneDatabaseMakesOneRegistration) {
  // Two engines stand for two server processes: the unique key in the database decides.
  auto second = make_engine(128);
  second->start();
  Event e = make_event(100, {type("General", 100)});
  auto users = make_users(20);
  std::vector<RegistrationRequest> reqs;
  for (const auto& u : users)
    for (int copy = 0; copy < 4; ++copy) reqs.push_back(request(e, u, 1, "same-" + u.id));
  auto results = run_concurrently(std::move(reqs), 8, {engine_.get(), second.get()});
  EXPECT_EQ(count_created(results), 20);
  for (const auto& r : results) EXPECT_TRUE(r.ok());
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM registrations WHERE event_id = ?", {e.id}), 20);
  EXPECT_EQ(event_sold(e.id), 20);
  expect_counters_equal_rows();
}

TEST_F(RegistrationEngineTest, TwoEnginesOnOneDatabaseNeverOversell) {
  auto second = make_engine(64);
  second->start();
  Event e = make_event(150, {type("General", 150)});
  auto users = make_users(600);
  std::vector<RegistrationRequest> reqs;
  for (const auto& u : users) reqs.push_back(request(e, u));
  auto results = run_concurrently(std::move(reqs), 16, {engine_.get(), second.get()});
  EXPECT_EQ(count_created(results), 150);
  EXPECT_EQ(count_code(results, ErrorCode::sold_out), 450);
  EXPECT_EQ(event_sold(e.id), 150);
  expect_counters_equal_rows();
}

TEST_F(RegistrationEngineTest, BatchingOffGivesTheSameAnswers) {
  auto single = make_engine(1);
  single->start();
  Event e = make_event(30, {type("General", 30)});
  auto users = make_users(120);
  std::vector<RegistrationRequest> reqs;
  for (const auto& u : users) reqs.push_back(request(e, u));
  auto results = run_concurrently(std::move(reqs), 8, {single.get()});
  EXPECT_EQ(count_created(results), 30);
  EXPECT_EQ(count_code(results, ErrorCode::sold_out), 90);
  auto s = single->stats();
  EXPECT_EQ(s.batches, s.batched_requests);  // one request a transaction
  expect_counters_equal_rows();
}

TEST_F(RegistrationEngineTest, EventCapacitySharedAcrossTicketTypes) {
  Event e = make_event(10, {type("A", 8), type("B", 8)});
  auto users = make_users(40);
  std::vector<RegistrationRequest> reqs;
  for (std::size_t i = 0; i < users.size(); ++i)
    reqs.push_back(request_items(e, users[i], {{e.ticket_types[i % 2].id, 1}}));
  auto results = run_concurrently(std::move(reqs), 8);
  EXPECT_EQ(count_created(results), 10);
  EXPECT_EQ(event_sold(e.id), 10);
  auto a = scalar("SELECT sold FROM ticket_types WHERE id = ?", {e.ticket_types[0].id});
  auto b = scalar("SELECT sold FROM ticket_types WHERE id = ?", {e.ticket_types[1].id});
  EXPECT_EQ(a + b, 10);
  EXPECT_LE(a, 8);
  EXPECT_LE(b, 8);
  expect_counters_equal_rows();
}

TEST_F(RegistrationEngineTest, MultiItemOrderIsAllOrNothing) {
  Event e = make_event(100, {type("A", 5), type("B", 2)});
  auto users = make_users(2);
  auto first = submit(request_items(e, users[0], {{e.ticket_types[1].id, 2}}));
  ASSERT_TRUE(first.ok());
  auto both = submit(request_items(e, users[1], {{e.ticket_types[0].id, 3}, {e.ticket_types[1].id, 1}}));
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.error().code, ErrorCode::sold_out);
  EXPECT_EQ(scalar("SELECT sold FROM ticket_types WHERE id = ?", {e.ticket_types[0].id}), 0);
  EXPECT_EQ(event_sold(e.id), 2);
  expect_counters_equal_rows();
}

TEST_F(RegistrationEngineTest, SoldOutIsAnsweredFromMemoryUntilSeatsReturn) {
  Event e = make_event(1, {type("General", 1)});
  auto users = make_users(4);
  auto won = submit(request(e, users[0]));
  ASSERT_TRUE(won.ok());
  auto lost = submit(request(e, users[1]));
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.error().code, ErrorCode::sold_out);
  const auto before = engine_->stats();
  auto again = submit(request(e, users[2]));
  EXPECT_EQ(again.error().code, ErrorCode::sold_out);
  EXPECT_EQ(engine_->stats().sold_out_from_memory, before.sold_out_from_memory + 1);
  EXPECT_EQ(engine_->stats().batches, before.batches);  // no transaction
  // A replay of the winner's key still answers its registration, not sold_out.
  auto replay = submit(request(e, users[0], 1, won->registration.idempotency_key));
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ(replay->registration.id, won->registration.id);
  // Cancelling returns the seat and clears the flag.
  ASSERT_TRUE(service_->cancel(actor_of(users[0]), won->registration.id).ok());
  auto now_ok = submit(request(e, users[3]));
  EXPECT_TRUE(now_ok.ok());
  expect_counters_equal_rows();
}

// Network threads call submit(): with a lookup pool it reads nothing on the calling thread;
// the key look-up behind an answer from memory runs on the pool, and answers from there.
TEST_F(RegistrationEngineTest, WithALookupPoolAnswersFromMemoryComeFromThePool) {
  WorkPool pool("lookups", 1, 16);
  auto engine = make_engine(128);
  engine->set_lookup_pool(&pool);
  engine->start();
  Event e = make_event(1, {type("General", 1)});
  auto users = make_users(3);
  auto run = [&](RegistrationRequest r) {
    std::promise<std::pair<Result<RegistrationOutcome>, bool>> answered;
    engine->submit(std::move(r), [&](Result<RegistrationOutcome> out) {
      answered.set_value({std::move(out), pool.on_pool_thread()});
    });
    return answered.get_future().get();
  };
  auto won = run(request(e, users[0]));
  ASSERT_TRUE(won.first.ok());
  EXPECT_FALSE(won.second);  // answered by the writer
  auto lost = run(request(e, users[1]));
  ASSERT_FALSE(lost.first.ok());
  EXPECT_EQ(lost.first.error().code, ErrorCode::sold_out);  // the writer learned it: flag set
  auto from_memory = run(request(e, users[2]));
  ASSERT_FALSE(from_memory.first.ok());
  EXPECT_EQ(from_memory.first.error().code, ErrorCode::sold_out);
  EXPECT_TRUE(from_memory.second);
  auto replay = run(request(e, users[0], 1, won.first->registration.idempotency_key));
  ASSERT_TRUE(replay.first.ok());
  EXPECT_EQ(replay.first->registration.id, won.first->registration.id);
  EXPECT_TRUE(replay.second);
  // A full pool answers unavailable rather than reading on the calling thread.
  pool.stop();
  auto busy = run(request(e, users[2]));
  ASSERT_FALSE(busy.first.ok());
  EXPECT_EQ(busy.first.error().code, ErrorCode::unavailable);
  engine->stop();
}

TEST_F(RegistrationEngineTest, ARetryThatTheRulesWouldRefuseNowStillAnswersItsRegistration) {
  // submit does not read the key (the writer settles it): a retry refused by the rules or
  // by capacity in the writer must still answer the registration it made first.
  Event e = make_event(1, {type("General", 1)});
  auto users = make_users(1);
  auto won = submit(request(e, users[0]));
  ASSERT_TRUE(won.ok());
  ASSERT_TRUE(won->created);
  engine_->seats_returned(e.id);  // no sold-out flag: the retry reaches the writer
  auto replay = submit(request(e, users[0], 1, won->registration.idempotency_key));
  ASSERT_TRUE(replay.ok()) << replay.error().detail;
  EXPECT_FALSE(replay->created);
  EXPECT_EQ(replay->registration.id, won->registration.id);
  engine_->seats_returned(e.id);
  auto other = submit(request(e, users[0], 2, won->registration.idempotency_key));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::conflict) << "same key, another body";

  Event limited = make_event(10, {type("General", 10)});
  auto first = submit(request(limited, users[0], 1));
  ASSERT_TRUE(first.ok());
  db_->writer()->execute("UPDATE events SET max_per_user = 1 WHERE id = ?", {limited.id});
  auto again = submit(request(limited, users[0], 1, first->registration.idempotency_key));
  ASSERT_TRUE(again.ok()) << again.error().detail;
  EXPECT_EQ(again->registration.id, first->registration.id);
  auto fresh = submit(request(limited, users[0], 1));
  ASSERT_FALSE(fresh.ok()) << "a new key is still held to max_per_user";
  expect_counters_equal_rows();
}

TEST_F(RegistrationEngineTest, HoldsExpiringWhileASaleRunsNeverExceedCapacity) {
  TicketType paid = type("Paid", 60, 2500);
  Event e = make_event(60, {paid});
  auto users = make_users(400);
  // The first 60 hold every seat (pending_payment, 15 minutes).
  std::vector<RegistrationRequest> first;
  for (int i = 0; i < 60; ++i) first.push_back(request(e, users[static_cast<std::size_t>(i)]));
  auto held = run_concurrently(std::move(first), 8);
  ASSERT_EQ(count_created(held), 60);
  for (const auto& r : held) {
    EXPECT_EQ(r->registration.status, RegistrationStatus::pending_payment);
    EXPECT_EQ(r->registration.total, 2500);
    ASSERT_TRUE(r->registration.expires_at);
    EXPECT_EQ(*r->registration.expires_at, now_ + 15min);
    EXPECT_FALSE(r->registration.checkout_url);  // no payment provider configured
  }
  // Time passes; the sweeper expires holds while 340 more people try to register.
  clock_.advance(16min);
  std::atomic<bool> done{false};
  std::atomic<std::int64_t> worst{0};
  std::thread sweeper([&] {
    while (!done.load()) {
      service_->sweep_once();
      worst = std::max(worst.load(), live_tickets(e.id));
    }
  });
  std::vector<RegistrationRequest> rush;
  for (std::size_t i = 60; i < users.size(); ++i) rush.push_back(request(e, users[i]));
  auto results = run_concurrently(std::move(rush), 16);
  done = true;
  sweeper.join();
  service_->sweep_once();
  EXPECT_LE(worst.load(), 60);
  EXPECT_LE(live_tickets(e.id), 60);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM registrations WHERE event_id = ? AND status = 'expired'", {e.id}), 60);
  EXPECT_LE(count_created(results), 60);
  // Whatever the race left free sells to the next comers, and not one seat more.
  std::set<std::string> registered;
  for (const auto& r : results)
    if (r.ok()) registered.insert(r->registration.user_id);
  for (std::size_t i = 60; i < users.size() && live_tickets(e.id) < 60; ++i)
    if (!registered.contains(users[i].id)) (void)submit(request(e, users[i]));
  EXPECT_EQ(live_tickets(e.id), 60);
  EXPECT_EQ(event_sold(e.id), 60);
  expect_counters_equal_rows();
}

TEST_F(RegistrationEngineTest, PromoCodeWithTenUsesClaimedByHundredSucceedsTenTimes) {
  Event e = make_event(1000, {type("Paid", 1000, 1000)});
  PromoCodeInput in;
  in.code = "early10";
  in.kind = "percent";
  in.amount = 20;
  in.max_uses = 10;
  auto promo = service_->create_promo(actor_of(organizer_), e.id, in);
  ASSERT_TRUE(promo.ok()) << promo.error().detail;
  EXPECT_EQ(promo->code, "EARLY10");
  auto users = make_users(100);
  std::vector<RegistrationRequest> reqs;
  for (const auto& u : users) {
    auto r = request(e, u);
    r.promo_code = "Early10";
    reqs.push_back(std::move(r));
  }
  auto results = run_concurrently(std::move(reqs), 16);
  EXPECT_EQ(count_created(results), 10);
  EXPECT_EQ(count_code(results, ErrorCode::validation_failed), 90);
  for (const auto& r : results)
    if (r.ok()) EXPECT_EQ(r->registration.total, 800);
    else EXPECT_EQ(r.error().errors.at(0).field, "promo_code");
  EXPECT_EQ(scalar("SELECT uses FROM promo_codes WHERE id = ?", {promo->id}), 10);
  EXPECT_EQ(event_sold(e.id), 10);
  expect_counters_equal_rows();
}

TEST_F(RegistrationEngineTest, QueueFullAnswersUnavailableWithRetryAfter) {
  engine_.reset();
  RegistrationEngineOptions o;
  o.queue = 2;
  RegistrationEngine tiny(*store_, clock_, payments_, o);  // not started: nothing drains
  Event e = make_event(10, {type("General", 10)});
  auto users = make_users(3);
  std::vector<std::optional<Result<RegistrationOutcome>>> got(3);
  for (int i = 0; i < 3; ++i)
    tiny.submit(request(e, users[static_cast<std::size_t>(i)]),
                [&got, i](Result<RegistrationOutcome> r) { got[static_cast<std::size_t>(i)] = std::move(r); });
  ASSERT_TRUE(got[2].has_value());
  EXPECT_EQ(got[2]->error().code, ErrorCode::unavailable);
  EXPECT_GE(got[2]->error().retry_after_seconds, 1);
  EXPECT_FALSE(got[0].has_value());
  tiny.stop();  // the queued ones are answered, never dropped
  EXPECT_TRUE(got[0].has_value());
  EXPECT_TRUE(got[1].has_value());
}

}  // namespace
}  // namespace admit::test
