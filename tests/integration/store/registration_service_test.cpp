// Store conformance: every registration limit and state change, with the injected clock
// (sales windows, per order and per user limits, hidden types, promo codes, cancellation
// and its cut-off, waiting-list offers and their pass-on, event cancellation, history,
// organizer lists and statistics), on every backend.
#include "auth/memory_rate_limiter.hpp"
#include "domain/services/catalog_service.hpp"
#include "integration/store/registration_test_support.hpp"

namespace admit::test {
namespace {

class RegistrationServiceTest : public RegistrationFixture {
 protected:
  Error fails(RegistrationRequest r) {
    auto out = submit(std::move(r));
    EXPECT_FALSE(out.ok());
    return out.ok() ? Error{} : out.error();
  }
  std::int64_t mails(const std::string& prefix) {
    return scalar("SELECT COUNT(*) FROM outbox WHERE cause_key LIKE ?", {prefix + "%"});
  }
};

TEST_F(RegistrationServiceTest, SalesWindowsFollowTheClock) {
  TicketType t = type("Early", 10);
  t.sales_start = now_ + 1h;
  t.sales_end = now_ + 2h;
  Event e = make_event(10, {t});
  auto users = make_users(3);
  EXPECT_EQ(fails(request(e, users[0])).code, ErrorCode::conflict);
  clock_.advance(61min);
  EXPECT_TRUE(submit(request(e, users[1])).ok());
  clock_.advance(60min);
  EXPECT_EQ(fails(request(e, users[2])).code, ErrorCode::conflict);
}

TEST_F(RegistrationServiceTest, MaxPerOrderAndMaxPerUser) {
  TicketType t = type("General", 100);
  t.max_per_order = 4;
  Event e = make_event(100, {t});
  {
    EventInput in;
    in.max_per_user = 5;
    ASSERT_TRUE(CatalogService(*events_, clock_).update(actor_of(organizer_), e.id, in).ok());
  }
  auto u = make_users(1).at(0);
  auto too_many = fails(request(e, u, 5));
  EXPECT_EQ(too_many.code, ErrorCode::validation_failed);
  EXPECT_EQ(too_many.errors.at(0).field, "items[0].quantity");
  ASSERT_TRUE(submit(request(e, u, 4)).ok());
  auto over_user = fails(request(e, u, 2));
  EXPECT_EQ(over_user.code, ErrorCode::validation_failed);
  EXPECT_EQ(over_user.errors.at(0).field, "items");
  EXPECT_TRUE(submit(request(e, u, 1)).ok());
  // Several requests of one user in one batch count together.
  auto v = make_users(1).at(0);
  std::vector<RegistrationRequest> reqs;
  for (int i = 0; i < 4; ++i) reqs.push_back(request(e, v, 2));
  auto results = run_concurrently(std::move(reqs), 4);
  EXPECT_EQ(count_created(results), 2);
  expect_counters_equal_rows();
}

TEST_F(RegistrationServiceTest, EventStateAndUnknownOrHiddenTypes) {
  TicketType hidden = type("Crew", 5);
  hidden.hidden = true;
  Event e = make_event(50, {type("General", 45), hidden});
  Event draft = make_event(10, {type("General", 10)}, EventStatus::draft);
  auto u = make_users(1).at(0);
  EXPECT_EQ(fails(request(draft, u)).code, ErrorCode::not_found);
  auto unknown = fails(request_items(e, u, {{"tt_nope", 1}}));
  EXPECT_EQ(unknown.errors.at(0).field, "items[0].ticket_type_id");
  const std::string crew = e.ticket_types[0].hidden ? e.ticket_types[0].id : e.ticket_types[1].id;
  auto hid = fails(request_items(e, u, {{crew, 1}}));
  EXPECT_EQ(hid.errors.at(0).field, "items[0].ticket_type_id");
  // A code that unlocks hidden types opens it.
  PromoCodeInput in;
  in.code = "CREW";
  in.kind = "percent";
  in.amount = 0;
  in.unlocks_hidden = true;
  ASSERT_TRUE(service_->create_promo(actor_of(organizer_), e.id, in).ok());
  auto r = request_items(e, u, {{crew, 1}});
  r.promo_code = "crew";
  auto bought = submit(r);
  ASSERT_TRUE(bought.ok());
  // The registration names the hidden type it bought, as made and as loaded again (the
  // buyer's history shows it although the public event view leaves the type out).
  EXPECT_EQ(bought->registration.items.at(0).ticket_type_name, "Crew");
  auto loaded = service_->get(actor_of(u), bought->registration.id);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->items.at(0).ticket_type_name, "Crew");
  auto mine = service_->list_mine(actor_of(u), HistoryScope::all);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ(mine->at(0).items.at(0).ticket_type_name, "Crew");
  auto bad_code = request(e, u);
  bad_code.promo_code = "NOPE";
  EXPECT_EQ(fails(bad_code).errors.at(0).field, "promo_code");
  // Ended and cancelled events take no registrations.
  clock_.set(e.ends_at);
  EXPECT_EQ(fails(request(e, u)).code, ErrorCode::conflict);
  clock_.set(now_);
  ASSERT_TRUE(CatalogService(*events_, clock_).cancel(actor_of(organizer_), e.id).ok());
  EXPECT_EQ(fails(request(e, u)).code, ErrorCode::conflict);
}

TEST_F(RegistrationServiceTest, PromoDiscountsAndValidity) {
  TicketType a = type("A", 10, 1000);
  TicketType b = type("B", 10, 3000);
  Event e = make_event(20, {a, b});
  PromoCodeInput fixed;
  fixed.code = "TENOFF";
  fixed.kind = "fixed";
  fixed.amount = 1500;
  fixed.valid_from = now_ + 1h;
  fixed.valid_until = now_ + 2h;
  ASSERT_TRUE(service_->create_promo(actor_of(organizer_), e.id, fixed).ok());
  PromoCodeInput pct;
  pct.code = "HALF-B";
  pct.kind = "percent";
  pct.amount = 50;
  pct.ticket_type_id = e.ticket_types[1].id;
  ASSERT_TRUE(service_->create_promo(actor_of(organizer_), e.id, pct).ok());
  EXPECT_EQ(service_->create_promo(actor_of(organizer_), e.id, pct).error().code, ErrorCode::conflict);
  PromoCodeInput bad;
  bad.code = "x";
  bad.kind = "weird";
  EXPECT_EQ(service_->create_promo(actor_of(organizer_), e.id, bad).error().errors.size(), 2u);
  auto other = make_users(1, "other").at(0);
  EXPECT_EQ(service_->create_promo(actor_of(other), e.id, pct).error().code, ErrorCode::not_found);

  auto users = make_users(3);
  auto r = request_items(e, users[0], {{e.ticket_types[0].id, 1}, {e.ticket_types[1].id, 2}});
  r.promo_code = "half-b";
  auto half = submit(r);
  ASSERT_TRUE(half.ok());
  EXPECT_EQ(half->registration.total, 1000 + 3000);  // 6000 for B, half off
  auto early = request(e, users[1]);
  early.promo_code = "TENOFF";
  EXPECT_EQ(fails(early).errors.at(0).message, "is not valid yet");
  clock_.advance(90min);
  auto in_window = submit(early);
  ASSERT_TRUE(in_window.ok());
  EXPECT_EQ(in_window->registration.total, 0);  // 1000 - 1500, never below zero
  EXPECT_EQ(in_window->registration.status, RegistrationStatus::confirmed);
  clock_.advance(60min);
  auto late = request(e, users[2]);
  late.promo_code = "TENOFF";
  EXPECT_EQ(fails(late).errors.at(0).message, "has expired");
  auto list = service_->list_promos(actor_of(organizer_), e.id);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 2u);
  expect_counters_equal_rows();
}

TEST_F(RegistrationServiceTest, AttendeeCancelsBeforeTheCutOffOrganizerAnyTime) {
  Event e = make_event(10, {type("General", 10, 500)});
  {
    EventInput in;
    in.cancel_cutoff_hours = 48;
    ASSERT_TRUE(CatalogService(*events_, clock_).update(actor_of(organizer_), e.id, in).ok());
  }
  auto users = make_users(3);
  auto a = submit(request(e, users[0], 2));
  auto b = submit(request(e, users[1], 1));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(event_sold(e.id), 3);
  // Someone else sees nothing.
  EXPECT_EQ(service_->cancel(actor_of(users[2]), a->registration.id).error().code, ErrorCode::not_found);
  EXPECT_EQ(service_->get(actor_of(users[2]), a->registration.id).error().code, ErrorCode::not_found);
  EXPECT_TRUE(service_->get(actor_of(organizer_), a->registration.id).ok());
  // The owner cancels well before the cut-off: seats come back at once, tickets voided, mail queued.
  auto cancelled = service_->cancel(actor_of(users[0]), a->registration.id);
  ASSERT_TRUE(cancelled.ok()) << cancelled.error().detail;
  EXPECT_EQ(cancelled->status, RegistrationStatus::cancelled);
  for (const auto& t : cancelled->tickets) EXPECT_EQ(t.status, TicketStatus::cancelled);
  EXPECT_EQ(event_sold(e.id), 1);
  EXPECT_EQ(mails("reg-cancelled:" + a->registration.id), 1);
  EXPECT_EQ(service_->cancel(actor_of(users[0]), a->registration.id).error().code, ErrorCode::conflict);
  // Inside the cut-off the attendee cannot, the organizer can.
  clock_.set(e.starts_at - 47h);
  EXPECT_EQ(service_->cancel(actor_of(users[1]), b->registration.id).error().code, ErrorCode::conflict);
  EXPECT_TRUE(service_->cancel(actor_of(organizer_), b->registration.id).ok());
  EXPECT_EQ(event_sold(e.id), 0);
  expect_counters_equal_rows();
}

TEST_F(RegistrationServiceTest, WaitingListOffersReturnedSeatsAndPassesThemOn) {
  Event e = make_event(1, {type("General", 1)});
  auto users = make_users(4);
  auto a = submit(request(e, users[0]));
  ASSERT_TRUE(a.ok());
  // Only when sold out, and once per person.
  auto b = service_->join_waitlist(actor_of(users[1]), e.id, {});
  ASSERT_TRUE(b.ok()) << b.error().detail;
  EXPECT_EQ(b->position, 1);
  EXPECT_EQ(service_->join_waitlist(actor_of(users[1]), e.id, {}).error().code, ErrorCode::conflict);
  clock_.advance(1s);  // first come, first served
  auto c = service_->join_waitlist(actor_of(users[2]), e.id, {});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->position, 2);
  Event open = make_event(5, {type("General", 5)});
  EXPECT_EQ(service_->join_waitlist(actor_of(users[1]), open.id, {}).error().code, ErrorCode::conflict);

  // A cancels: the seat goes to B as an offer (held: still counted as sold), mailed.
  ASSERT_TRUE(service_->cancel(actor_of(users[0]), a->registration.id).ok());
  auto offered = service_->get_waitlist(actor_of(users[1]), e.id);
  ASSERT_TRUE(offered.ok());
  EXPECT_EQ(offered->status, WaitlistStatus::offered);
  EXPECT_EQ(*offered->offer_expires_at, clock_.now() + 60min);
  EXPECT_EQ(event_sold(e.id), 1);
  EXPECT_EQ(mails("waitlist-offer:" + offered->id), 1);
  expect_counters_equal_rows();
  // Nobody else can take the held seat.
  EXPECT_EQ(fails(request(e, users[3])).code, ErrorCode::sold_out);
  // B does not answer in time: the offer passes to C.
  clock_.advance(61min);
  auto sweep = service_->sweep_once();
  EXPECT_EQ(sweep.offers_expired, 1);
  EXPECT_EQ(sweep.offers_made, 1);
  EXPECT_EQ(service_->get_waitlist(actor_of(users[1]), e.id)->status, WaitlistStatus::expired);
  EXPECT_EQ(service_->get_waitlist(actor_of(users[2]), e.id)->status, WaitlistStatus::offered);
  EXPECT_EQ(fails(request(e, users[1])).code, ErrorCode::sold_out);
  // C registers with the held seat.
  auto won = submit(request(e, users[2]));
  ASSERT_TRUE(won.ok()) << won.error().detail;
  EXPECT_EQ(service_->get_waitlist(actor_of(users[2]), e.id)->status, WaitlistStatus::accepted);
  EXPECT_EQ(event_sold(e.id), 1);
  expect_counters_equal_rows();
}

TEST_F(RegistrationServiceTest, WaitingListTiesWithinOneMillisecondKeepArrivalOrder) {
  // The clock does not move: every entry has the same created_at. Ids are random, so any
  // order but arrival would show up over a few entries.
  Event e = make_event(1, {type("General", 1)});
  auto users = make_users(7);
  ASSERT_TRUE(submit(request(e, users[0])).ok());
  for (int i = 1; i < 7; ++i) {
    auto joined = service_->join_waitlist(actor_of(users[i]), e.id, {});
    ASSERT_TRUE(joined.ok()) << joined.error().detail;
    EXPECT_EQ(joined->position, i);
  }
  for (int i = 1; i < 7; ++i) EXPECT_EQ(service_->get_waitlist(actor_of(users[i]), e.id)->position, i);
  // The returned seat goes to the first who came.
  auto mine = service_->list_mine(actor_of(users[0]), HistoryScope::all);
  ASSERT_TRUE(service_->cancel(actor_of(users[0]), mine->at(0).id).ok());
  EXPECT_EQ(service_->get_waitlist(actor_of(users[1]), e.id)->status, WaitlistStatus::offered);
  for (int i = 2; i < 7; ++i)
    EXPECT_EQ(service_->get_waitlist(actor_of(users[i]), e.id)->status, WaitlistStatus::waiting);
}

TEST_F(RegistrationServiceTest, ADeletedAccountsUpcomingRegistrationsAreCancelled) {
  Event soon = make_event(10, {type("General", 10)});
  auto users = make_users(2);
  auto a = submit(request(soon, users[0], 2));
  auto b = submit(request(soon, users[1], 1));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(service_->cancel_upcoming_for_user(users[0].id), 1);
  auto cancelled = service_->get(actor_of(users[0]), a->registration.id);
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->status, RegistrationStatus::cancelled);
  ASSERT_EQ(cancelled->tickets.size(), 2u);
  for (const auto& t : cancelled->tickets) EXPECT_EQ(t.status, TicketStatus::cancelled);
  EXPECT_EQ(service_->get(actor_of(users[1]), b->registration.id)->status, RegistrationStatus::confirmed);
  EXPECT_EQ(event_sold(soon.id), 1);
  EXPECT_EQ(service_->cancel_upcoming_for_user(users[0].id), 0);  // nothing live is left
  expect_counters_equal_rows();
}

TEST_F(RegistrationServiceTest, RegistrationAndWaitingListBudgets) {
  auth::MemoryRateLimiter limiter;
  AbuseLimits limits;
  limits.registrations_per_user = {2, std::chrono::minutes(1)};
  limits.registrations_per_address = {3, std::chrono::minutes(1)};
  limits.waitlist_joins_per_user = {1, std::chrono::hours(1)};
  service_->limit_abuse(limiter, limits);
  clock_.set(Timestamp{std::chrono::hours(24 * 365 * 50)});  // a window start: no edge
  EXPECT_TRUE(service_->count_registration("usr_a", "192.0.2.1").ok());
  EXPECT_TRUE(service_->count_registration("usr_a", "192.0.2.1").ok());
  auto third = service_->count_registration("usr_a", "192.0.2.1");
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code, ErrorCode::rate_limited);
  EXPECT_GE(third.error().retry_after_seconds, 1);
  EXPECT_TRUE(service_->count_registration("usr_b", "192.0.2.1").ok());   // address: 3
  EXPECT_FALSE(service_->count_registration("usr_c", "192.0.2.1").ok());  // address: 4
  EXPECT_TRUE(service_->count_registration("usr_c", "192.0.2.2").ok());
  clock_.advance(std::chrono::minutes(1));
  EXPECT_TRUE(service_->count_registration("usr_a", "192.0.2.1").ok());  // a new window
  // Off: no limit.
  limits.registrations_per_user.limit = 0;
  limits.registrations_per_address.limit = 0;
  service_->limit_abuse(limiter, limits);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(service_->count_registration("usr_a", "192.0.2.1").ok());
}

TEST_F(RegistrationServiceTest, LeavingTheWaitingListWithAnOfferPassesItOn) {
  Event e = make_event(1, {type("General", 1)});
  auto users = make_users(3);
  auto a = submit(request(e, users[0]));
  ASSERT_TRUE(service_->join_waitlist(actor_of(users[1]), e.id, {}).ok());
  clock_.advance(1s);
  ASSERT_TRUE(service_->join_waitlist(actor_of(users[2]), e.id, {}).ok());
  ASSERT_TRUE(service_->cancel(actor_of(organizer_), a->registration.id).ok());
  EXPECT_EQ(service_->get_waitlist(actor_of(users[1]), e.id)->status, WaitlistStatus::offered);
  ASSERT_TRUE(service_->leave_waitlist(actor_of(users[1]), e.id).ok());
  EXPECT_EQ(service_->get_waitlist(actor_of(users[1]), e.id).error().code, ErrorCode::not_found);
  EXPECT_EQ(service_->get_waitlist(actor_of(users[2]), e.id)->status, WaitlistStatus::offered);
  expect_counters_equal_rows();
}

TEST_F(RegistrationServiceTest, CapacityRaisedOffersSeatsToTheWaitingList) {
  Event e = make_event(1, {type("General", 1)});
  auto users = make_users(2);
  ASSERT_TRUE(submit(request(e, users[0])).ok());
  ASSERT_TRUE(service_->join_waitlist(actor_of(users[1]), e.id, {}).ok());
  EventInput in;
  in.capacity = 2;
  std::vector<TicketTypeInput> types(1);
  types[0].id = e.ticket_types[0].id;
  types[0].name = "General";
  types[0].capacity = 2;
  in.ticket_types = types;
  ASSERT_TRUE(CatalogService(*events_, clock_).update(actor_of(organizer_), e.id, in).ok());
  EXPECT_EQ(service_->sweep_once().offers_made, 1);
  EXPECT_EQ(service_->get_waitlist(actor_of(users[1]), e.id)->status, WaitlistStatus::offered);
  expect_counters_equal_rows();
}

TEST_F(RegistrationServiceTest, EventCancellationCancelsEveryRegistrationAndTellsAttendees) {
  Event e = make_event(100, {type("Free", 50), type("Paid", 50, 2000)});
  auto users = make_users(6);
  for (std::size_t i = 0; i < users.size(); ++i)
    ASSERT_TRUE(submit(request_items(e, users[i], {{e.ticket_types[i % 2].id, 1}})).ok());
  CatalogService catalog(*events_, clock_);
  catalog.on_cancelled([this](const Event& ev) { service_->on_event_cancelled(ev); });
  ASSERT_TRUE(catalog.cancel(actor_of(organizer_), e.id).ok());
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM registrations WHERE event_id = ? AND status = 'cancelled'", {e.id}), 6);
  EXPECT_EQ(event_sold(e.id), 0);
  EXPECT_EQ(mails("event-cancelled:"), 6);
  expect_counters_equal_rows();
}

TEST_F(RegistrationServiceTest, HistoryListsSearchCsvAndStats) {
  Event e = make_event(100, {type("Free", 50), type("Paid", 50, 1500)});
  Event past = make_event(10, {type("General", 10)});
  auto users = make_users(5);
  auto r1 = request_items(e, users[0], {{e.ticket_types[0].id, 2}});
  r1.attendees = {{"Grace Hopper", "grace@example.com"}, {"Alan Turing", "alan@example.com"}};
  ASSERT_TRUE(submit(r1).ok());
  for (int i = 1; i < 5; ++i) {
    clock_.advance(1min);
    ASSERT_TRUE(submit(request_items(e, users[static_cast<std::size_t>(i)], {{e.ticket_types[1].id, 1}})).ok());
  }
  clock_.advance(1min);
  ASSERT_TRUE(submit(request(past, users[0])).ok());
  // History, newest first, upcoming and past.
  auto mine = service_->list_mine(actor_of(users[0]), HistoryScope::all);
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ(mine->at(0).event_id, past.id);
  EXPECT_EQ(mine->at(1).tickets.size(), 2u);
  EXPECT_EQ(mine->at(1).tickets[0].attendee_name, "Grace Hopper");
  clock_.set(past.ends_at + 1min);  // both events end at the same time here
  EXPECT_EQ(service_->list_mine(actor_of(users[0]), HistoryScope::past)->size(), 2u);
  EXPECT_EQ(service_->list_mine(actor_of(users[0]), HistoryScope::upcoming)->size(), 0u);
  clock_.set(now_ + 10min);

  // Organizer list: search by attendee, status filter, cursor pages.
  RegistrationQuery q;
  q.event_id = e.id;
  q.q = "TURING";
  auto found = service_->list_for_event(actor_of(organizer_), q);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->items.size(), 1u);
  EXPECT_EQ(found->items[0].user_id, users[0].id);
  q.q = users[3].email.substr(0, 8);
  EXPECT_EQ(service_->list_for_event(actor_of(organizer_), q)->items.size(), 1u);
  q.q.reset();
  q.status = RegistrationStatus::pending_payment;
  EXPECT_EQ(service_->list_for_event(actor_of(organizer_), q)->items.size(), 4u);
  q.status.reset();
  q.limit = 2;
  std::set<std::string> seen;
  for (int page = 0; page < 5; ++page) {
    auto p = service_->list_for_event(actor_of(organizer_), q);
    ASSERT_TRUE(p.ok());
    for (const auto& r : p->items) EXPECT_TRUE(seen.insert(r.id).second);
    if (!p->next_cursor) break;
    q.cursor = p->next_cursor;
  }
  EXPECT_EQ(seen.size(), 5u);
  q.cursor = "garbage";
  EXPECT_EQ(service_->list_for_event(actor_of(organizer_), q).error().code, ErrorCode::validation_failed);
  EXPECT_EQ(service_->list_for_event(actor_of(users[1]), q).error().code, ErrorCode::not_found);

  auto stats = service_->stats(actor_of(organizer_), e.id);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->capacity, 100);
  EXPECT_EQ(stats->sold, 6);
  EXPECT_EQ(stats->revenue, 0);  // paid ones are still pending
  ASSERT_EQ(stats->by_ticket_type.size(), 2u);
  EXPECT_EQ(stats->by_ticket_type[1].sold, 4);
  ASSERT_EQ(stats->sales_by_day.size(), 1u);
  EXPECT_EQ(stats->sales_by_day[0].date, "2026-06-01");
  EXPECT_EQ(stats->sales_by_day[0].tickets, 6);
}

TEST_F(RegistrationServiceTest, DoctorFindsACounterThatDiffersFromItsRows) {
  Event e = make_event(10, {type("General", 10)});
  auto u = make_users(1).at(0);
  ASSERT_TRUE(submit(request(e, u)).ok());
  EXPECT_TRUE(store_->check_counters().empty());
  {
    auto conn = db_->writer();
    conn->execute("UPDATE events SET sold = sold + 1 WHERE id = ?", {e.id});
  }
  auto m = store_->check_counters();
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].what, "events.sold");
  EXPECT_EQ(m[0].counter, 2);
  EXPECT_EQ(m[0].rows, 1);
}

}  // namespace
}  // namespace admit::test
