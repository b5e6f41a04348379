// Store conformance for check-in, on every backend: 50 concurrent scans of one ticket admit
// it once (also through two services on one database, as two nodes would), each refusal
// (altered, forged, other event, cancelled, unpaid), offline settlement (earliest wins in
// either sync order, a repeated sync changes nothing), batches settled as scan by scan
// (one ticket twice, every kind of scan, more than one statement's rows), undo, the scan log
// and the bundle.
// The real parts: SQL stores, the keyring and its verifier.
#include <future>

#include "app/ticket_codes.hpp"
#include "domain/services/checkin_service.hpp"
#include "integration/store/ticket_test_support.hpp"
#include "storage/sql/sql_checkin_store.hpp"

namespace admit::test {
namespace {

class CheckinStoreTest : public TicketFixture {
 protected:
  void SetUp() override {
    TicketFixture::SetUp();
    codes_ = std::make_unique<app::AppTicketCodes>(keys_);
    checkin_store_ = std::make_unique<sql::SqlCheckinStore>(*db_);
    checkins_ = make_service();
  }
  void TearDown() override {
    checkins_.reset();
    TicketFixture::TearDown();
  }
  std::unique_ptr<CheckinService> make_service() {
    CheckinOptions o;
    o.writers = db_->dialect() == sql::Dialect::sqlite ? 1 : 4;
    auto s = std::make_unique<CheckinService>(*checkin_store_, *events_, *codes_, clock_, o);
    s->start();
    return s;
  }

  std::string code(const Ticket& t) { return *keys_->signer().sign(t.id, t.event_id); }

  Actor organizer() { return Actor{organizer_.id, {"organizer"}, std::nullopt}; }
  Actor door(const std::string& event_id) { return Actor{organizer_.id, {"organizer"}, event_id}; }

  Result<ScanOutcome> scan(const std::string& event_id, const std::string& qr, const Actor& actor,
                           CheckinService* service = nullptr) {
    std::promise<Result<ScanOutcome>> p;
    auto f = p.get_future();
    (service ? service : checkins_.get())
        ->scan(actor, event_id, ScanRequest{qr, "North", "phone-1"},
               [&p](Result<ScanOutcome> out) { p.set_value(std::move(out)); });
    return f.get();
  }
  CheckinResult result_of(const std::string& event_id, const std::string& qr) {
    auto out = scan(event_id, qr, door(event_id));
    EXPECT_TRUE(out.ok());
    return out ? out->result : CheckinResult::undone;
  }
  std::vector<CheckinResult> synced(const std::string& event_id, const std::vector<OfflineScan>& scans) {
    auto out = checkins_->sync(door(event_id), event_id, scans);
    EXPECT_TRUE(out.ok());
    std::vector<CheckinResult> results;
    if (out)
      for (const auto& s : *out) results.push_back(s.outcome.result);
    return results;
  }
  std::int64_t log_rows(const std::string& event_id) {
    return scalar("SELECT COUNT(*) FROM checkins WHERE event_id = ?", {event_id});
  }
  // A scan for the store itself (the batches below are what the writers hand it).
  Scan store_scan(const std::string& event_id, const std::string& ticket_id, const std::string& device,
                  Timestamp at, bool offline = false) {
    Scan s;
    s.event_id = event_id;
    s.ticket_id = ticket_id;
    s.gate = "Gate " + device;
    s.device = device;
    s.scanned_at = at;
    s.offline = offline;
    s.actor_id = organizer_.id;
    return s;
  }
  static std::vector<CheckinResult> results(const std::vector<ScanOutcome>& out) {
    std::vector<CheckinResult> r;
    for (const auto& o : out) r.push_back(o.result);
    return r;
  }
  // The tickets of `n` confirmed registrations of `per` tickets each.
  std::vector<Ticket> tickets_of(const Event& e, int n, std::int64_t per) {
    std::vector<Ticket> out;
    for (const auto& u : make_users(n, new_id("b")))
      for (auto& t : registered(e, u, per).tickets) out.push_back(std::move(t));
    return out;
  }

  std::unique_ptr<app::AppTicketCodes> codes_;
  std::unique_ptr<sql::SqlCheckinStore> checkin_store_;
  std::unique_ptr<CheckinService> checkins_;
};

TEST_F(CheckinStoreTest, FiftyConcurrentScansOfOneTicketAdmitItOnce) {
  Event e = make_event(10, {type("General", 10)});
  Registration r = registered(e, make_users(1)[0]);
  const std::string qr = code(r.tickets.at(0));
  // Two services on one database, as two server nodes: the database decides.
  auto second = make_service();
  std::vector<std::future<Result<ScanOutcome>>> futures;
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  std::vector<std::promise<Result<ScanOutcome>>> promises(50);
  for (auto& p : promises) futures.push_back(p.get_future());
  for (int i = 0; i < 50; ++i)
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      CheckinService& s = i % 2 ? *second : *checkins_;
      s.scan(door(e.id), e.id, ScanRequest{qr, "Gate " + std::to_string(i % 3), "dev-" + std::to_string(i)},
             [&promises, i](Result<ScanOutcome> out) { promises[static_cast<std::size_t>(i)].set_value(std::move(out)); });
    });
  go.store(true);
  for (auto& t : threads) t.join();
  int ok = 0, already = 0;
  std::optional<Timestamp> admitted_at;
  for (auto& f : futures) {
    auto out = f.get();
    ASSERT_TRUE(out.ok()) << out.error().detail;
    if (out->result == CheckinResult::ok) ++ok;
    if (out->result == CheckinResult::already_checked_in) {
      ++already;
      ASSERT_TRUE(out->checked_in_at);
      EXPECT_FALSE(out->gate.empty());  // when and at which gate
    }
    ASSERT_TRUE(out->ticket);
    EXPECT_EQ(out->ticket->attendee_name, r.tickets[0].attendee_name);
    EXPECT_EQ(out->ticket->ticket_type, "General");
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(already, 49);
  EXPECT_EQ(log_rows(e.id), 50);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM checkins WHERE event_id = ? AND result = 'ok'", {e.id}), 1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM tickets WHERE event_id = ? AND status = 'checked_in'", {e.id}), 1);
  auto stats = service_->stats(organizer(), e.id);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->checked_in, 1);
}

TEST_F(CheckinStoreTest, EachRefusalIsAnsweredForWhatItIs) {
  Event e = make_event(10, {type("General", 10), type("Paid", 10, 2500)});
  Event other = make_event(10, {type("General", 10)});
  auto users = make_users(3);
  Registration good = registered(e, users[0]);
  const std::string qr = code(good.tickets[0]);

  // Altered: one character changed. Forged: well formed, signed with a key not trusted.
  std::string altered = qr;
  altered[40] = altered[40] == 'A' ? 'B' : 'A';
  EXPECT_EQ(result_of(e.id, altered), CheckinResult::invalid);
  tickets::TicketSigner forger(keys_->signer().key_id(), tickets::generate_secret_key());
  EXPECT_EQ(result_of(e.id, *forger.sign(good.tickets[0].id, e.id)), CheckinResult::invalid);
  EXPECT_EQ(result_of(e.id, "not a ticket"), CheckinResult::invalid);
  // Another event's genuine ticket.
  Registration elsewhere = registered(other, users[1]);
  EXPECT_EQ(result_of(e.id, code(elsewhere.tickets[0])), CheckinResult::wrong_event);
  // Cancelled and unpaid.
  Registration cancelled = registered(e, users[1]);
  ASSERT_TRUE(service_->cancel(actor_of(users[1]), cancelled.id).ok());
  EXPECT_EQ(result_of(e.id, code(cancelled.tickets[0])), CheckinResult::cancelled);
  auto unpaid = submit(request_items(e, users[2], {{e.ticket_types[1].id, 1}}));
  ASSERT_TRUE(unpaid.ok());
  ASSERT_EQ(unpaid->registration.status, RegistrationStatus::pending_payment);
  EXPECT_EQ(result_of(e.id, code(unpaid->registration.tickets[0])), CheckinResult::not_paid);
  // None of those admitted anything; the genuine one still does, once.
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM tickets WHERE event_id = ? AND status = 'checked_in'", {e.id}), 0);
  EXPECT_EQ(result_of(e.id, qr), CheckinResult::ok);
  EXPECT_EQ(result_of(e.id, qr), CheckinResult::already_checked_in);
  EXPECT_EQ(log_rows(e.id), 8);  // every scan is logged
}

TEST_F(CheckinStoreTest, OnlyTheEventsOrganizerAndItsDoorTokensMayScan) {
  Event e = make_event(10, {type("General", 10)});
  Event other = make_event(10, {type("General", 10)});
  Registration r = registered(e, make_users(1)[0]);
  auto stranger = make_users(1, "stranger")[0];
  auto refused = scan(e.id, code(r.tickets[0]), Actor{stranger.id, {"organizer"}, std::nullopt});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::not_found);
  auto wrong_door = scan(e.id, code(r.tickets[0]), door(other.id));
  ASSERT_FALSE(wrong_door.ok());
  EXPECT_EQ(wrong_door.error().code, ErrorCode::not_found);
  EXPECT_EQ(log_rows(e.id), 0);
  auto by_organizer = scan(e.id, code(r.tickets[0]), organizer());
  ASSERT_TRUE(by_organizer.ok());
  EXPECT_EQ(by_organizer->result, CheckinResult::ok);
  // Undo and the scan list are the organizer's, not a door token's.
  auto undo_by_door = checkins_->undo(door(e.id), e.id, r.tickets[0].id, "");
  ASSERT_FALSE(undo_by_door.ok());
  EXPECT_EQ(undo_by_door.error().code, ErrorCode::forbidden);
  EXPECT_FALSE(checkins_->log(door(e.id), e.id, 10, std::nullopt).ok());
}

TEST_F(CheckinStoreTest, UndoLetsTheTicketInAgainAndEveryScanIsListed) {
  Event e = make_event(10, {type("General", 10)});
  Registration r = registered(e, make_users(1)[0]);
  const std::string qr = code(r.tickets[0]);
  EXPECT_EQ(result_of(e.id, qr), CheckinResult::ok);
  clock_.advance(std::chrono::minutes(1));
  auto undone = checkins_->undo(organizer(), e.id, r.tickets[0].id, "North");
  ASSERT_TRUE(undone.ok());
  EXPECT_EQ(undone->result, CheckinResult::undone);
  EXPECT_EQ(undone->ticket->status, "valid");
  auto again = checkins_->undo(organizer(), e.id, r.tickets[0].id, "North");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  clock_.advance(std::chrono::hours(2));
  EXPECT_EQ(result_of(e.id, qr), CheckinResult::ok);

  auto page = checkins_->log(organizer(), e.id, 2, std::nullopt);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].result, CheckinResult::ok);
  EXPECT_EQ(page->items[0].gate, "North");
  EXPECT_EQ(page->items[0].device, "phone-1");
  EXPECT_EQ(page->items[0].attendee_name, r.tickets[0].attendee_name);
  EXPECT_EQ(page->items[1].result, CheckinResult::undone);
  ASSERT_TRUE(page->next_cursor);
  auto rest = checkins_->log(organizer(), e.id, 2, page->next_cursor);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->items.size(), 1u);
  EXPECT_EQ(rest->items[0].result, CheckinResult::ok);
  EXPECT_FALSE(rest->next_cursor);

  auto hours = checkins_->per_hour(e.id);
  ASSERT_EQ(hours.size(), 1u);
  EXPECT_EQ(hours[0].count, 1);
  EXPECT_EQ(hours[0].hour, "2026-06-01T14:00:00Z");
}

// Two devices scan the same two tickets offline; each wins one (the earlier scan), in
// whichever order they sync; repeating a sync changes nothing and answers final results.
class OfflineSync : public CheckinStoreTest, public ::testing::WithParamInterface<bool> {};

TEST_P(OfflineSync, EarliestScanWinsInEitherOrderAndRepeatsAreNoOps) {
  const bool a_first = GetParam();
  Event e = make_event(10, {type("General", 10)});
  Registration r = registered(e, make_users(1)[0], 2);
  const std::string t1 = code(r.tickets[0]), t2 = code(r.tickets[1]);
  const Timestamp t0 = now_ + std::chrono::hours(1);
  using std::chrono::seconds;
  const std::vector<OfflineScan> a{{t1, t0 + seconds(10), "North", "A"}, {t2, t0 + seconds(30), "North", "A"}};
  const std::vector<OfflineScan> b{{t1, t0 + seconds(20), "South", "B"}, {t2, t0 + seconds(5), "South", "B"}};
  using R = CheckinResult;
  if (a_first) {
    EXPECT_EQ(synced(e.id, a), (std::vector<R>{R::ok, R::ok}));
    EXPECT_EQ(synced(e.id, b), (std::vector<R>{R::already_checked_in, R::ok}));  // B's t2 was earlier
  } else {
    EXPECT_EQ(synced(e.id, b), (std::vector<R>{R::ok, R::ok}));
    EXPECT_EQ(synced(e.id, a), (std::vector<R>{R::ok, R::already_checked_in}));  // A's t1 was earlier
  }
  auto winner = [&](const Ticket& t) {
    auto conn = db_->reader();
    auto rows = conn->query("SELECT checked_in_at, checked_in_device, checked_in_gate FROM tickets WHERE id = ?", {t.id});
    return std::tuple(rows[0].i64(0), rows[0].text(1), rows[0].text(2));
  };
  EXPECT_EQ(winner(r.tickets[0]), std::tuple(to_millis(t0 + seconds(10)), std::string("A"), std::string("North")));
  EXPECT_EQ(winner(r.tickets[1]), std::tuple(to_millis(t0 + seconds(5)), std::string("B"), std::string("South")));

  // Final results on repeat: each device sees its conflict; nothing is written.
  const auto rows = log_rows(e.id);
  EXPECT_EQ(rows, 4);
  EXPECT_EQ(synced(e.id, a), (std::vector<R>{R::ok, R::already_checked_in}));
  EXPECT_EQ(synced(e.id, b), (std::vector<R>{R::already_checked_in, R::ok}));
  EXPECT_EQ(log_rows(e.id), rows);
  EXPECT_EQ(winner(r.tickets[0]), std::tuple(to_millis(t0 + seconds(10)), std::string("A"), std::string("North")));
  auto conflict = checkins_->sync(door(e.id), e.id, b);
  ASSERT_TRUE(conflict.ok());
  EXPECT_EQ((*conflict)[0].outcome.checked_in_at, t0 + seconds(10));  // when the winner came in
  EXPECT_EQ((*conflict)[0].outcome.gate, "North");
  // An online scan after the sync meets the settled state.
  EXPECT_EQ(result_of(e.id, t1), R::already_checked_in);
}

// A batch holding one ticket twice settles as two scans one after the other would.
TEST_F(CheckinStoreTest, ABatchWithOneTicketTwiceSettlesInOrder) {
  Event e = make_event(10, {type("General", 10)});
  Registration r = registered(e, make_users(1)[0], 3);
  using R = CheckinResult;
  using std::chrono::seconds;
  // Online: the first is admitted, the second meets it (when, at which gate, which device).
  const Timestamp at = now_ + std::chrono::hours(1);
  auto online = checkin_store_->record(
      {store_scan(e.id, r.tickets[0].id, "A", at), store_scan(e.id, r.tickets[0].id, "B", at + seconds(1))}, at);
  ASSERT_EQ(results(online), (std::vector<R>{R::ok, R::already_checked_in}));
  EXPECT_EQ(online[1].checked_in_at, at);
  EXPECT_EQ(online[1].gate, "Gate A");
  EXPECT_EQ(online[1].device, "A");
  EXPECT_EQ(online[1].ticket->status, "checked_in");

  // Offline, the later scan first: it is admitted, then the earlier one takes its place.
  const Scan later = store_scan(e.id, r.tickets[1].id, "A", at + seconds(20), true);
  const Scan earlier = store_scan(e.id, r.tickets[1].id, "B", at + seconds(10), true);
  EXPECT_EQ(results(checkin_store_->record({later, earlier}, at)), (std::vector<R>{R::ok, R::ok}));
  EXPECT_EQ(scalar("SELECT checked_in_at FROM tickets WHERE id = ?", {r.tickets[1].id}), to_millis(earlier.scanned_at));
  // Synced again: nothing changes, each answers its final result.
  const auto rows = log_rows(e.id);
  auto again = checkin_store_->record({later, earlier}, at);
  EXPECT_EQ(results(again), (std::vector<R>{R::already_checked_in, R::ok}));
  EXPECT_EQ(again[0].checked_in_at, earlier.scanned_at);
  EXPECT_EQ(log_rows(e.id), rows);

  // The same offline scan twice in one batch: one admission, one log row, both ok.
  const Scan twice = store_scan(e.id, r.tickets[2].id, "C", at + seconds(30), true);
  EXPECT_EQ(results(checkin_store_->record({twice, twice}, at)), (std::vector<R>{R::ok, R::ok}));
  EXPECT_EQ(log_rows(e.id), rows + 1);
}

// Every kind of scan in one batch answers what each answered alone: the same batch is
// recorded once as a batch and once scan by scan on a twin set of tickets.
TEST_F(CheckinStoreTest, AMixedBatchAnswersAsScanByScan) {
  Event e = make_event(20, {type("General", 10), type("Paid", 10, 2500)});
  Event other = make_event(10, {type("General", 10)});
  auto users = make_users(6);
  struct Twin {
    std::string valid, cancelled, unpaid, elsewhere;
  };
  auto make_twin = [&](int k) {
    Twin t;
    t.valid = registered(e, users[static_cast<std::size_t>(3 * k)]).tickets[0].id;
    Registration gone = registered(e, users[static_cast<std::size_t>(3 * k + 1)]);
    EXPECT_TRUE(service_->cancel(actor_of(users[static_cast<std::size_t>(3 * k + 1)]), gone.id).ok());
    t.cancelled = gone.tickets[0].id;
    auto unpaid = submit(request_items(e, users[static_cast<std::size_t>(3 * k + 2)], {{e.ticket_types[1].id, 1}}));
    EXPECT_TRUE(unpaid.ok());
    t.unpaid = unpaid->registration.tickets.at(0).id;
    t.elsewhere = registered(other, users[static_cast<std::size_t>(3 * k)]).tickets[0].id;
    return t;
  };
  const Twin a = make_twin(0), b = make_twin(1);
  const Timestamp at = now_ + std::chrono::hours(1);
  auto batch_of = [&](const Twin& t) {
    Scan preset = store_scan(e.id, "", "P", at);
    preset.preset = CheckinResult::invalid;
    return std::vector<Scan>{store_scan(e.id, t.valid, "A", at),     store_scan(e.id, t.cancelled, "A", at),
                             store_scan(e.id, t.unpaid, "A", at),    store_scan(e.id, t.elsewhere, "A", at),
                             store_scan(e.id, "tkt_nowhere", "A", at), preset,
                             store_scan(e.id, t.valid, "B", at)};
  };
  const auto batched = checkin_store_->record(batch_of(a), at);
  std::vector<ScanOutcome> alone;
  for (const Scan& s : batch_of(b)) alone.push_back(checkin_store_->record({s}, at).at(0));
  using R = CheckinResult;
  EXPECT_EQ(results(batched), (std::vector<R>{R::ok, R::cancelled, R::not_paid, R::wrong_event, R::invalid,
                                              R::invalid, R::already_checked_in}));
  ASSERT_EQ(results(batched), results(alone));
  for (std::size_t i = 0; i < batched.size(); ++i) {
    ASSERT_EQ(batched[i].ticket.has_value(), alone[i].ticket.has_value()) << i;
    if (batched[i].ticket) {
      EXPECT_EQ(batched[i].ticket->status, alone[i].ticket->status) << i;
      EXPECT_EQ(batched[i].ticket->attendee_name, alone[i].ticket->attendee_name) << i;
      EXPECT_EQ(batched[i].ticket->ticket_type, alone[i].ticket->ticket_type) << i;
    }
    EXPECT_EQ(batched[i].checked_in_at, alone[i].checked_in_at) << i;
    EXPECT_EQ(batched[i].gate, alone[i].gate) << i;
    EXPECT_EQ(batched[i].device, alone[i].device) << i;
  }
  EXPECT_EQ(log_rows(e.id), 14);  // every scan logged, in both runs
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM checkins WHERE event_id = ? AND ticket_id IS NULL", {e.id}), 2);
}

// A batch larger than one statement's chunk (512 rows): online scans of 600 tickets plus
// a second scan of some, then an offline sync of them all, synced twice.
TEST_F(CheckinStoreTest, ABatchLargerThanOneChunk) {
  Event e = make_event(700, {type("General", 700)});
  const std::vector<Ticket> tickets = tickets_of(e, 6, 100);
  ASSERT_EQ(tickets.size(), 600u);
  const Timestamp at = now_ + std::chrono::hours(1);
  std::vector<Scan> online;
  for (const auto& t : tickets) online.push_back(store_scan(e.id, t.id, "A", at));
  for (std::size_t i = 0; i < 10; ++i) online.push_back(store_scan(e.id, tickets[i].id, "B", at));
  auto out = checkin_store_->record(online, at);
  ASSERT_EQ(out.size(), 610u);
  using R = CheckinResult;
  for (std::size_t i = 0; i < 600; ++i) ASSERT_EQ(out[i].result, R::ok) << i;
  for (std::size_t i = 600; i < 610; ++i) ASSERT_EQ(out[i].result, R::already_checked_in) << i;
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM tickets WHERE event_id = ? AND status = 'checked_in'", {e.id}), 600);
  EXPECT_EQ(log_rows(e.id), 610);

  // Offline scans from before the online ones take their places; synced again, nothing changes.
  std::vector<Scan> offline;
  for (const auto& t : tickets) offline.push_back(store_scan(e.id, t.id, "C", at - std::chrono::minutes(1), true));
  for (int pass = 0; pass < 2; ++pass) {
    auto synced = checkin_store_->record(offline, at);
    ASSERT_EQ(synced.size(), 600u);
    for (std::size_t i = 0; i < 600; ++i) {
      ASSERT_EQ(synced[i].result, R::ok) << pass << " " << i;
      ASSERT_EQ(synced[i].device, "C");
    }
    EXPECT_EQ(log_rows(e.id), 1210);
  }
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM tickets WHERE event_id = ? AND checked_in_device = 'C'", {e.id}), 600);
}

INSTANTIATE_TEST_SUITE_P(BothOrders, OfflineSync, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "AFirst" : "BFirst"; });

TEST_F(CheckinStoreTest, BundleHoldsEveryTicketAndSinceOnlyTheChanges) {
  Event e = make_event(10, {type("General", 10), type("Paid", 10, 900)});
  auto users = make_users(3);
  Registration a = registered(e, users[0], 2);
  Registration gone = registered(e, users[1]);
  auto unpaid = submit(request_items(e, users[2], {{e.ticket_types[1].id, 1}}));
  ASSERT_TRUE(unpaid.ok());
  ASSERT_TRUE(service_->cancel(actor_of(users[1]), gone.id).ok());

  auto full = checkins_->bundle(door(e.id), e.id, std::nullopt);
  ASSERT_TRUE(full.ok());
  EXPECT_FALSE(full->partial);
  ASSERT_EQ(full->keys.size(), 1u);
  EXPECT_EQ(full->keys[0].public_key, tickets::key_hex(keys_->signer().public_key()));
  ASSERT_EQ(full->tickets.size(), 4u);
  std::map<std::string, std::string> status;
  for (const auto& t : full->tickets) status[t.id] = t.status;
  EXPECT_EQ(status[a.tickets[0].id], "valid");
  EXPECT_EQ(status[gone.tickets[0].id], "cancelled");
  EXPECT_EQ(status[unpaid->registration.tickets[0].id], "not_paid");
  EXPECT_EQ(full->revoked, std::vector<std::string>{gone.tickets[0].id});
  EXPECT_EQ(full->sold, 3);

  // A ticket changes; ?since= the full bundle's version answers the changes of the last
  // moments (the cancellation and the check-in, within the overlap) and nothing older.
  EXPECT_EQ(result_of(e.id, code(a.tickets[1])), CheckinResult::ok);
  auto changes = checkins_->bundle(door(e.id), e.id, full->version);
  ASSERT_TRUE(changes.ok());
  EXPECT_TRUE(changes->partial);
  EXPECT_GE(changes->version, full->version);
  std::map<std::string, std::string> changed;
  for (const auto& t : changes->tickets) changed[t.id] = t.status;
  EXPECT_EQ(changed, (std::map<std::string, std::string>{{a.tickets[1].id, "checked_in"},
                                                         {gone.tickets[0].id, "cancelled"}}));
  auto since_old = checkins_->bundle(door(e.id), e.id, std::int64_t{0});
  ASSERT_TRUE(since_old.ok());
  EXPECT_EQ(since_old->tickets.size(), 4u);
  EXPECT_EQ(since_old->checked_in, 1);
}

}  // namespace
}  // namespace admit::test
