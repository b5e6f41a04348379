// Store conformance for payments, on every backend: each provider event acted on once
// (16 threads delivering the same event, then other events for the same payment), the
// amount check, checkout expiry returning the hold's seats, late payments with seats free
// and sold out (capacity never exceeded), refunds, pay at the door, a second payment for
// a paid registration, the flags registration reads carry, and what reconciliation finds.
#include <atomic>
#include <thread>

#include "integration/store/registration_test_support.hpp"
#include "storage/sql/sql_payment_store.hpp"

namespace admit::test {
namespace {

class PaymentStoreTest : public RegistrationFixture {
 protected:
  void SetUp() override {
    RegistrationFixture::SetUp();
    payments_store_ = std::make_unique<sql::SqlPaymentStore>(*db_);
  }
  Registration held(const Event& e, const UserRef& u, std::int64_t quantity = 1) {
    auto out = submit(request(e, u, quantity));
    if (!out.ok()) ADD_FAILURE() << out.error().detail << (out.error().errors.empty() ? "" : ": " + out.error().errors[0].field + " " + out.error().errors[0].message);
    if (!out.ok()) return Registration{};
    EXPECT_EQ(out->registration.status, RegistrationStatus::pending_payment);
    return out->registration;
  }
  static PaymentEvent completed(const Registration& r, std::int64_t amount, std::string id = {}) {
    PaymentEvent e;
    e.id = id.empty() ? new_id("evt_stripe") : std::move(id);
    e.type = "checkout.session.completed";
    e.registration_id = r.id;
    e.session_id = "cs_" + r.id;
    e.payment_intent = "pi_" + r.id;
    e.payment_status = "paid";
    e.amount = amount;
    e.currency = "eur";
    return e;
  }
  // The provider's refund webhook for r's payment of `amount`: `refunded` of it so far.
  static PaymentEvent refunded(const Registration& r, std::int64_t amount, std::int64_t refunded) {
    PaymentEvent e = completed(r, amount);
    e.type = "charge.refunded";
    e.amount_refunded = refunded;
    return e;
  }
  PaymentOutcome apply(const PaymentEvent& e) {
    return payments_store_->apply(e, now_, [](const Registration&) {
      return LateRefundNotice{"", "Refund", "Paid too late"};
    }).outcome;
  }
  RegistrationStatus status(const std::string& id) { return store_->find(id)->status; }
  std::int64_t sold(const Event& e) { return scalar("SELECT sold FROM events WHERE id = ?", {e.id}); }

  std::unique_ptr<sql::SqlPaymentStore> payments_store_;
};

TEST_F(PaymentStoreTest, OneEventFromSixteenThreadsConfirmsOnce) {
  Event e = make_event(10, {type("Paid", 10, 2500)});
  auto u = make_users(1).at(0);
  Registration r = held(e, u, 2);
  const PaymentEvent ev = completed(r, 5000);
  std::atomic<int> confirmed{0}, duplicates{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i)
    threads.emplace_back([&] {
      const auto o = apply(ev);
      if (o == PaymentOutcome::confirmed) ++confirmed;
      if (o == PaymentOutcome::duplicate) ++duplicates;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(confirmed.load(), 1);
  EXPECT_EQ(duplicates.load(), 15);
  // Another event id for the same payment changes nothing more.
  PaymentEvent again = completed(r, 5000);
  again.type = "checkout.session.async_payment_succeeded";
  EXPECT_EQ(apply(again), PaymentOutcome::ignored);
  EXPECT_EQ(status(r.id), RegistrationStatus::confirmed);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_events WHERE id = ?", {ev.id}), 1);
  auto p = payments_store_->find(r.id);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->status, "paid");
  EXPECT_EQ(p->amount_paid, 5000);
  EXPECT_EQ(sold(e), 2);
  expect_counters_equal_rows();
}

TEST_F(PaymentStoreTest, AmountOrCurrencyMismatchIsFlaggedAndConfirmsNothing) {
  Event e = make_event(10, {type("Paid", 10, 2500)});
  auto u = make_users(1).at(0);
  Registration r = held(e, u);
  EXPECT_EQ(apply(completed(r, 2499)), PaymentOutcome::mismatch);
  PaymentEvent usd = completed(r, 2500);
  usd.currency = "usd";
  EXPECT_EQ(apply(usd), PaymentOutcome::mismatch);
  EXPECT_EQ(status(r.id), RegistrationStatus::pending_payment);
  EXPECT_EQ(payments_store_->find(r.id)->flag, "amount_mismatch");
}

TEST_F(PaymentStoreTest, ExpiredCheckoutReturnsSeatsAndALatePaymentTakesThemAgain) {
  Event e = make_event(3, {type("Paid", 3, 1000)});
  auto u = make_users(1).at(0);
  Registration r = held(e, u, 2);
  Payment p;
  p.registration_id = r.id;
  p.session_id = "cs_" + r.id;
  p.currency = "EUR";
  p.created_at = p.updated_at = now_;
  payments_store_->save_session(p);
  PaymentEvent expired = completed(r, 2000);
  expired.type = "checkout.session.expired";
  EXPECT_EQ(apply(expired), PaymentOutcome::hold_released);
  EXPECT_EQ(status(r.id), RegistrationStatus::expired);
  EXPECT_EQ(sold(e), 0);
  EXPECT_EQ(apply(completed(r, 2000)), PaymentOutcome::late_confirmed);
  EXPECT_EQ(status(r.id), RegistrationStatus::confirmed);
  EXPECT_EQ(sold(e), 2);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM tickets WHERE registration_id = ? AND status = 'valid'", {r.id}), 2);
  expect_counters_equal_rows();
}

TEST_F(PaymentStoreTest, LatePaymentWhenSoldOutIsFlaggedRefundDueAndNeverOversells) {
  Event e = make_event(1, {type("Paid", 1, 1000)});
  auto users = make_users(2);
  Registration late = held(e, users[0]);
  PaymentEvent expired = completed(late, 1000);
  expired.type = "checkout.session.expired";
  Payment p;
  p.registration_id = late.id;
  p.session_id = expired.session_id;
  p.currency = "EUR";
  p.created_at = p.updated_at = now_;
  payments_store_->save_session(p);
  ASSERT_EQ(apply(expired), PaymentOutcome::hold_released);
  engine_->seats_returned(e.id);  // as PaymentService does after a release
  Registration other = held(e, users[1]);  // takes the only seat
  ASSERT_FALSE(other.id.empty());
  EXPECT_EQ(apply(completed(late, 1000)), PaymentOutcome::late_no_seats);
  EXPECT_EQ(status(late.id), RegistrationStatus::expired);
  EXPECT_EQ(store_->find(late.id)->refund_status, "due");
  EXPECT_EQ(payments_store_->find(late.id)->flag, "late_no_seats");
  EXPECT_EQ(sold(e), 1);
  EXPECT_EQ(payments_store_->refunds_due(10).size(), 1u);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox WHERE cause_key = ?", {"late-refund:" + late.id}), 1);
  expect_counters_equal_rows();
}

TEST_F(PaymentStoreTest, RefundsPartialThenFullEndTheRegistration) {
  Event e = make_event(5, {type("Paid", 5, 1000)});
  auto u = make_users(1).at(0);
  Registration r = held(e, u, 2);
  ASSERT_EQ(apply(completed(r, 2000)), PaymentOutcome::confirmed);
  payments_store_->refund_requested(r.id, 500, "one guest", now_);
  EXPECT_EQ(payments_store_->unsettled(now_ - std::chrono::seconds(60), 10).size(), 1u);  // in flight
  PaymentEvent part = refunded(r, 2000, 500);
  EXPECT_EQ(apply(part), PaymentOutcome::refunded);
  EXPECT_EQ(status(r.id), RegistrationStatus::confirmed);
  EXPECT_EQ(store_->find(r.id)->refund_status, "partially_refunded");
  PaymentEvent all = part;
  all.id = new_id("evt_stripe");
  all.amount_refunded = 2000;
  EXPECT_EQ(apply(all), PaymentOutcome::refunded);
  EXPECT_EQ(status(r.id), RegistrationStatus::refunded);
  EXPECT_EQ(store_->find(r.id)->refund_status, "refunded");
  EXPECT_EQ(sold(e), 0);
  expect_counters_equal_rows();
}

TEST_F(PaymentStoreTest, PayAtTheDoorAndReconciliationCandidates) {
  Event e = make_event(5, {type("Paid", 5, 1000)});
  auto users = make_users(2);
  Registration door = held(e, users[0]);
  ASSERT_TRUE(payments_store_->mark_paid(door.id, now_).ok());
  EXPECT_EQ(status(door.id), RegistrationStatus::confirmed);
  EXPECT_EQ(payments_store_->find(door.id)->provider, "door");
  EXPECT_FALSE(payments_store_->mark_paid(door.id, now_).ok());  // not pending any more
  Registration open = held(e, users[1]);
  Payment p;
  p.registration_id = open.id;
  p.session_id = "cs_" + open.id;
  p.currency = "EUR";
  p.created_at = p.updated_at = now_;
  payments_store_->save_session(p);
  EXPECT_TRUE(payments_store_->unsettled(now_, 10).empty());  // not quiet yet
  auto quiet = payments_store_->unsettled(now_ + std::chrono::seconds(61), 10);
  ASSERT_EQ(quiet.size(), 1u);
  EXPECT_EQ(quiet[0].registration_id, open.id);
}

TEST_F(PaymentStoreTest, ASecondPaymentIsKeptAsideFlaggedAndSettledByItsOwnRefund) {
  Event e = make_event(5, {type("Paid", 5, 1000)});
  auto u = make_users(1).at(0);
  Registration r = held(e, u);
  ASSERT_EQ(apply(completed(r, 1000)), PaymentOutcome::confirmed);
  PaymentEvent second = completed(r, 1000);
  second.session_id = "cs_second_" + r.id;
  second.payment_intent = "pi_second_" + r.id;
  EXPECT_EQ(apply(second), PaymentOutcome::paid_twice);
  PaymentEvent resent = second;
  resent.id = new_id("evt_stripe");
  EXPECT_EQ(apply(resent), PaymentOutcome::paid_twice);  // recorded once
  auto extras = payments_store_->extras_unrefunded(10);
  ASSERT_EQ(extras.size(), 1u);
  EXPECT_EQ(extras[0].payment_intent, second.payment_intent);
  EXPECT_EQ(extras[0].amount, 1000);
  EXPECT_FALSE(extras[0].refund_requested);
  // The first payment stays the registration's; the registration reads carry the flag.
  auto p = payments_store_->find(r.id);
  EXPECT_EQ(p->payment_intent, "pi_" + r.id);
  EXPECT_EQ(p->flag, "paid_twice");
  EXPECT_EQ(store_->find(r.id)->payment_flags, std::vector<std::string>{"paid_twice"});
  payments_store_->extra_refund_requested(second.payment_intent, now_);
  EXPECT_TRUE(payments_store_->extras_unrefunded(10).at(0).refund_requested);
  PaymentEvent refund = second;
  refund.id = new_id("evt_stripe");
  refund.type = "charge.refunded";
  refund.registration_id.clear();  // found by its payment intent alone
  refund.amount_refunded = 1000;
  EXPECT_EQ(apply(refund), PaymentOutcome::refunded);
  EXPECT_TRUE(payments_store_->extras_unrefunded(10).empty());
  EXPECT_EQ(status(r.id), RegistrationStatus::confirmed);
  EXPECT_EQ(payments_store_->find(r.id)->amount_refunded, 0);
  EXPECT_EQ(store_->find(r.id)->refund_status, std::nullopt);
  EXPECT_EQ(sold(e), 1);
  expect_counters_equal_rows();
}

TEST_F(PaymentStoreTest, PaidOnlineAfterPaidAtTheDoorIsASecondPayment) {
  Event e = make_event(5, {type("Paid", 5, 1000)});
  auto u = make_users(1).at(0);
  Registration r = held(e, u);
  ASSERT_TRUE(payments_store_->mark_paid(r.id, now_).ok());
  EXPECT_EQ(apply(completed(r, 1000)), PaymentOutcome::paid_twice);
  EXPECT_EQ(payments_store_->find(r.id)->provider, "door");
  EXPECT_EQ(payments_store_->extras_unrefunded(10).size(), 1u);
}

TEST_F(PaymentStoreTest, ARefusedRefundIsFlaggedUntilOneIsTaken) {
  Event e = make_event(5, {type("Paid", 5, 1000)});
  auto u = make_users(1).at(0);
  Registration r = held(e, u);
  EXPECT_TRUE(store_->find(r.id)->payment_flags.empty());
  ASSERT_EQ(apply(completed(r, 1000)), PaymentOutcome::confirmed);
  payments_store_->refund_error(r.id, "payment provider: No such payment_intent", now_);
  EXPECT_EQ(payments_store_->find(r.id)->refund_error, "payment provider: No such payment_intent");
  EXPECT_EQ(store_->find(r.id)->payment_flags, std::vector<std::string>{"refund_failed"});
  payments_store_->refund_requested(r.id, 1000, "cancelled", now_);
  EXPECT_EQ(payments_store_->find(r.id)->refund_error, std::nullopt);
  EXPECT_TRUE(store_->find(r.id)->payment_flags.empty());
}

TEST_F(PaymentStoreTest, ARefundThatWentThroughAfterAnErrorClearsTheFlag) {
  Event e = make_event(5, {type("Paid", 5, 1000)});
  auto u = make_users(1).at(0);
  Registration r = held(e, u);
  ASSERT_EQ(apply(completed(r, 1000)), PaymentOutcome::confirmed);
  // The refund request timed out, but the provider carried it out: its webhook follows.
  payments_store_->refund_error(r.id, "payment provider: timed out", now_);
  PaymentEvent refund = refunded(r, 1000, 1000);
  EXPECT_EQ(apply(refund), PaymentOutcome::refunded);
  EXPECT_EQ(payments_store_->find(r.id)->refund_error, std::nullopt);
  EXPECT_TRUE(store_->find(r.id)->payment_flags.empty());
}

TEST_F(PaymentStoreTest, APartialRefundKeepsTheErrorOfAFailedLargerOne) {
  Event e = make_event(5, {type("Paid", 5, 1000)});
  auto u = make_users(1).at(0);
  Registration r = held(e, u, 2);
  ASSERT_EQ(apply(completed(r, 2000)), PaymentOutcome::confirmed);
  payments_store_->refund_requested(r.id, 2000, "cancelled", now_);
  payments_store_->refund_error(r.id, "payment provider: card expired", now_);
  PaymentEvent part = refunded(r, 2000, 500);  // less than asked: the failure still stands
  EXPECT_EQ(apply(part), PaymentOutcome::refunded);
  EXPECT_EQ(payments_store_->find(r.id)->refund_error, "payment provider: card expired");
}

}  // namespace
}  // namespace admit::test
