// Power cuts under a registration load (docs/decisions/0007-durable-acknowledgements.md).
//
// The real RegistrationEngine writes through the real SQLite driver (and its
// admit-wal-buffer VFS) onto PowerCutVfs (tests/support/power_cut_vfs.hpp), which keeps
// what was synced apart from what was only written. Each round opens the database, adds
// an event, arms a cut at a random (seeded) write or sync, runs a load of registrations
// from three threads, closes, rewrites the files as a power cut would leave them, reopens
// and checks: every registration answered 201 before the cut exists exactly once with all
// its tickets, replays answer the registration they replay, counters equal their rows,
// no event or ticket type is oversold, and `PRAGMA integrity_check` is ok.
//
// ADMIT_POWERCUT_ROUNDS (rounds per test) and ADMIT_POWERCUT_SEED make it longer or
// another sequence (ADMIT_POWERCUT_DEBUG=1 prints each round); `make soak` runs thousands of cuts.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "app/open_database.hpp"
#include "payments/no_payment_gateway.hpp"
#include "common/clock.hpp"
#include "common/random.hpp"
#include "domain/ports/payment_gateway.hpp"
#include "domain/services/registration_engine.hpp"
#include "storage/sql/database.hpp"
#include "storage/sql/migrations.hpp"
#include "storage/sql/sql_event_store.hpp"
#include "storage/sql/sql_registration_store.hpp"
#include "support/power_cut_vfs.hpp"

namespace admit::test {
namespace {

namespace fs = std::filesystem;
using Tear = PowerCutVfs::Tear;

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  return std::strtoull(v, nullptr, 10);
}

struct CutOptions {
  bool durable = true;
  Tear tear = Tear::none;
  bool wal_faults = false;  // a short WAL write and a failed WAL sync before the cut
  bool wal_cuts_only = false;  // every cut at a WAL operation
  bool rewinds = false;  // the checkpointer runs every 1 ms and rewinds any WAL it finds
  int rounds = 60;
  std::uint64_t seed = 1;
};

struct Report {
  std::uint64_t seed = 0;  // ADMIT_POWERCUT_SEED reproduces the run (each test adds its offset)
  int rounds = 0;
  int cuts = 0;
  int integrity_failures = 0;
  std::size_t delivered = 0;        // 201s answered while the power was on
  std::size_t lost = 0;             // of those, missing after a cut
  std::size_t incomplete = 0;       // registrations missing tickets
  std::size_t duplicate_keys = 0;   // (user, key) stored more than once
  std::size_t wrong_replays = 0;    // a replay answered another registration
  std::size_t wrong_errors = 0;     // failures answered other than 503 + Retry-After
  std::size_t unavailable = 0;      // 503s (failed writes)
  std::size_t oversold = 0;
  std::size_t counter_mismatches = 0;
  std::uint64_t injected_faults = 0;
  std::uint64_t wal_headers = 0;  // WALs started or rewound
};

struct Delivered {
  std::string id;
  RegistrationRequest request;
  std::int64_t tickets = 0;
};

class PowerCutRun {
 public:
  explicit PowerCutRun(CutOptions o) : o_(o), rng_(o.seed) {
    dir_ = fs::temp_directory_path() / ("admit-powercut-" + new_id("t"));
    fs::create_directories(dir_);
    url_ = "sqlite:" + (dir_ / "admit.db").string();
    auto db = app::open_database(url_, {.pool_size = 1});
    sql::migrate(*db);
    auto conn = db->writer();
    sql::in_transaction(*conn, [&](sql::Connection& c) {
      for (int i = 0; i < 24; ++i) {
        const std::string id = new_id("usr");
        users_.push_back(id);
        c.execute("INSERT INTO users (id, email, name, password_hash, roles, email_verified_at, "
                  "disabled, created_at, updated_at) VALUES (?, ?, 'Buyer', 'x', 'attendee,organizer', ?, 0, ?, ?)",
                  {id, id + "@example.com", std::int64_t{0}, std::int64_t{0}, std::int64_t{0}});
      }
    });
  }
  ~PowerCutRun() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  Report run() {
    report_.seed = o_.seed;
    for (int round = 0; round < o_.rounds; ++round) one_round(round);
    return report_;
  }

 private:
  Event new_event(sql::SqlEventStore& events) {
    Event e;
    e.id = new_id("evt");
    e.organizer_id = users_.front();
    e.title = "Power cut sale";
    e.category = "music";
    e.venue = "Hall";
    e.starts_at = clock_.now() + std::chrono::hours(24 * 30);
    e.ends_at = e.starts_at + std::chrono::hours(3);
    e.timezone = "UTC";
    e.currency = "EUR";
    e.capacity = std::uniform_int_distribution<std::int64_t>(6, 30)(rng_);
    e.status = EventStatus::published;
    e.created_at = e.updated_at = clock_.now();
    for (int t = 0; t < 2; ++t) {
      TicketType type;
      type.id = new_id("tt");
      type.event_id = e.id;
      type.name = t == 0 ? "General" : "Balcony";
      type.capacity = t == 0 ? e.capacity : e.capacity / 2;
      type.position = t;
      e.ticket_types.push_back(type);
    }
    auto created = events.create_event(e);
    if (!created) throw std::runtime_error("cannot create the event: " + created.error().detail);
    return *created;
  }

  // This round's requests: mostly new ones, some replays of registrations answered earlier.
  std::vector<RegistrationRequest> requests(const std::vector<Event>& events) {
    std::vector<RegistrationRequest> out;
    const int n = std::uniform_int_distribution<int>(20, 60)(rng_);
    for (int i = 0; i < n; ++i) {
      if (!delivered_.empty() && std::uniform_int_distribution<int>(0, 9)(rng_) == 0) {
        out.push_back(delivered_[std::uniform_int_distribution<std::size_t>(0, delivered_.size() - 1)(rng_)].request);
        continue;
      }
      const Event& e = std::uniform_int_distribution<int>(0, 3)(rng_) > 0
                           ? events.back()
                           : events[std::uniform_int_distribution<std::size_t>(0, events.size() - 1)(rng_)];
      RegistrationRequest r;
      r.event_id = e.id;
      r.user_id = users_[std::uniform_int_distribution<std::size_t>(0, users_.size() - 1)(rng_)];
      r.user_name = "Buyer";
      r.user_email = r.user_id + "@example.com";
      r.idempotency_key = new_id("key");
      const auto& type = e.ticket_types[std::uniform_int_distribution<std::size_t>(0, 1)(rng_)];
      r.items.push_back({type.id, std::uniform_int_distribution<std::int64_t>(1, 3)(rng_)});
      out.push_back(std::move(r));
    }
    return out;
  }

  void answered(const RegistrationRequest& req, Result<RegistrationOutcome> r) {
    const bool power_on = !PowerCutVfs::power_is_off();
    std::lock_guard lock(mu_);
    if (r.ok() && r->created) {
      if (power_on) {
        std::int64_t tickets = 0;
        for (const auto& item : req.items) tickets += item.quantity;
        by_key_[{req.user_id, req.idempotency_key}] = r->registration.id;
        delivered_.push_back({r->registration.id, req, tickets});
        ++report_.delivered;
      }
    } else if (r.ok()) {
      auto known = by_key_.find({req.user_id, req.idempotency_key});
      if (known != by_key_.end() && known->second != r->registration.id) ++report_.wrong_replays;
    } else if (r.error().code == ErrorCode::unavailable) {
      ++report_.unavailable;
      if (r.error().retry_after_seconds <= 0) ++report_.wrong_errors;
    } else if (r.error().code == ErrorCode::not_found && !o_.durable) {
      // Relaxed: a cut may take back the event itself (its creation was not synced).
    } else if (r.error().code != ErrorCode::sold_out) {
      ADD_FAILURE() << "unexpected answer: " << to_string(r.error().code) << " " << r.error().detail;
      ++report_.wrong_errors;
    }
  }

  void load(RegistrationEngine& engine, std::vector<RegistrationRequest> reqs) {
    std::mutex done_mu;
    std::condition_variable done_cv;
    std::size_t left = reqs.size();
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t) {
      threads.emplace_back([&, t] {
        for (std::size_t i = static_cast<std::size_t>(t); i < reqs.size(); i += 3) {
          RegistrationRequest copy = reqs[i];
          engine.submit(std::move(copy), [&, i](Result<RegistrationOutcome> r) {
            answered(reqs[i], std::move(r));
            std::lock_guard lock(done_mu);
            if (--left == 0) done_cv.notify_all();
          });
        }
      });
    }
    for (auto& th : threads) th.join();
    std::unique_lock lock(done_mu);
    done_cv.wait(lock, [&] { return left == 0; });
  }

  void one_round(int round) {
    const auto before = PowerCutVfs::counts();
    PowerCutVfs::Counts armed_at;
    {
      sql::OpenOptions open{.pool_size = 2, .durable = o_.durable};
      if (o_.rewinds) {
        open.wal_restart_bytes = 1;
        open.checkpoint_interval_ms = 1;
      }
      auto db = app::open_database(url_, open);
      sql::SqlEventStore events(*db);
      sql::SqlRegistrationStore store(*db);
      events_.push_back(new_event(events));
      const auto armed = PowerCutVfs::counts();
      if (round > 0) {
        // Anywhere in the load or in the closing checkpoint (whose many page writes would
        // draw most cuts), or, every other round on average, at a write or sync of the WAL:
        // the commit path. Some rounds end without a cut.
        const bool wal = o_.wal_cuts_only || std::uniform_int_distribution<int>(0, 1)(rng_) == 1;
        const std::uint64_t span = wal ? wal_writes_per_round_ + wal_syncs_per_round_ : ops_per_round_;
        PowerCutVfs::arm_cut(std::uniform_int_distribution<std::uint64_t>(1, span * 3 / 2)(rng_),
                             wal ? PowerCutVfs::Scope::wal : PowerCutVfs::Scope::any);
        if (o_.wal_faults) {
          PowerCutVfs::arm_short_wal_write(std::uniform_int_distribution<std::uint64_t>(1, wal_writes_per_round_ + 1)(rng_));
          PowerCutVfs::arm_failed_wal_sync(std::uniform_int_distribution<std::uint64_t>(1, wal_syncs_per_round_ + 1)(rng_));
        }
      }
      RegistrationEngineOptions eo;
      eo.writers = 1;
      eo.batch = std::uniform_int_distribution<int>(1, 64)(rng_);
      eo.queue = 100000;
      RegistrationEngine engine(store, clock_, payments_, eo);
      engine.start();
      load(engine, requests(events_));
      engine.stop();
      armed_at = armed;
    }  // every connection closed (the last one checkpoints, unless the power is off)
    const bool cut = PowerCutVfs::power_is_off();
    if (!cut) {
      // A whole round, closing included: where the next rounds' cut points are drawn from.
      const auto after = PowerCutVfs::counts();
      ops_per_round_ = std::max<std::uint64_t>(after.ops - armed_at.ops, 10);
      wal_writes_per_round_ = std::max<std::uint64_t>(after.wal_writes - armed_at.wal_writes, 4);
      wal_syncs_per_round_ = std::max<std::uint64_t>(after.wal_syncs - armed_at.wal_syncs, 2);
    }
    report_.injected_faults += PowerCutVfs::counts().injected - before.injected;
    report_.wal_headers += PowerCutVfs::counts().wal_headers - before.wal_headers;
    PowerCutVfs::restore_after_cut(o_.tear, rng_);
    ++report_.rounds;
    if (cut) ++report_.cuts;
    verify();
    if (std::getenv("ADMIT_POWERCUT_DEBUG")) {
      const auto now = PowerCutVfs::counts();
      std::cout << "round " << round << " cut " << cut << " ops " << now.ops - before.ops
                << " wal writes " << now.wal_writes - before.wal_writes << " wal syncs "
                << now.wal_syncs - before.wal_syncs << " delivered " << report_.delivered
                << " lost " << report_.lost << "\n";
    }
  }

  std::int64_t scalar(sql::Connection& c, const std::string& sql) {
    auto rows = c.query(sql);
    return rows.empty() ? 0 : rows[0].i64(0);
  }

  void verify() {
    auto db = app::open_database(url_, {.pool_size = 1});
    auto c = db->writer();
    const auto integrity = c->query("PRAGMA integrity_check");
    if (integrity.empty() || integrity[0].text(0) != "ok") ++report_.integrity_failures;

    std::map<std::string, std::int64_t> stored;  // registration id -> tickets
    for (const auto& row : c->query("SELECT r.id, (SELECT COUNT(*) FROM tickets t WHERE "
                                    "t.registration_id = r.id) FROM registrations r"))
      stored.emplace(row.text(0), row.i64(1));
    std::size_t lost = 0;
    std::size_t incomplete = 0;
    for (const auto& d : delivered_) {
      auto it = stored.find(d.id);
      if (it == stored.end()) ++lost;
      else if (it->second != d.tickets) ++incomplete;
    }
    report_.lost = lost;  // every registration delivered so far, not only this round's
    report_.incomplete = incomplete;
    report_.duplicate_keys = static_cast<std::size_t>(scalar(
        *c, "SELECT COUNT(*) FROM (SELECT user_id, idempotency_key FROM registrations "
            "GROUP BY user_id, idempotency_key HAVING COUNT(*) > 1) d"));
    report_.oversold = static_cast<std::size_t>(
        scalar(*c, "SELECT COUNT(*) FROM events WHERE sold > capacity") +
        scalar(*c, "SELECT COUNT(*) FROM ticket_types WHERE sold > capacity") +
        scalar(*c, "SELECT COUNT(*) FROM (SELECT e.id FROM events e JOIN tickets t ON t.event_id = e.id "
                   "JOIN registrations r ON r.id = t.registration_id WHERE r.status IN "
                   "('confirmed', 'pending_payment') AND t.status <> 'cancelled' "
                   "GROUP BY e.id, e.capacity HAVING COUNT(*) > e.capacity) o"));
    sql::SqlRegistrationStore store(*db);
    report_.counter_mismatches = store.check_counters().size();
    if (!o_.durable) {
      // Relaxed: count each loss once, and check the later cuts against what is left.
      std::erase_if(delivered_, [&](const Delivered& d) { return !stored.contains(d.id); });
      lost_total_ += lost;
      report_.lost = lost_total_;
    }
  }

  CutOptions o_;
  std::mt19937_64 rng_;
  fs::path dir_;
  std::string url_;
  std::vector<std::string> users_;
  std::vector<Event> events_;
  std::uint64_t ops_per_round_ = 100;
  std::uint64_t wal_writes_per_round_ = 20;
  std::uint64_t wal_syncs_per_round_ = 4;
  SystemClock clock_;
  payments::NoPaymentGateway payments_;
  std::mutex mu_;
  std::vector<Delivered> delivered_;
  std::map<std::pair<std::string, std::string>, std::string> by_key_;
  std::size_t lost_total_ = 0;
  Report report_;
};

// The driver's admit-wal-buffer VFS wraps this one (install() ran first): a transaction of
// a few hundred WAL frames reaches PowerCutVfs as a few large writes, not two per frame.
TEST(PowerCut, WalWriteBufferSitsOnThePowerCutVfs) {
  const fs::path dir = fs::temp_directory_path() / ("admit-powercut-" + new_id("t"));
  fs::create_directories(dir);
  {
    auto db = app::open_database("sqlite:" + (dir / "stack.db").string(), {.pool_size = 1});
    auto conn = db->writer();
    conn->execute_script("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)");
    const auto before = PowerCutVfs::counts();
    sql::in_transaction(*conn, [](sql::Connection& c) {
      for (int i = 0; i < 300; ++i) c.execute("INSERT INTO t (body) VALUES (?)", {std::string(3000, 'x')});
    });
    const auto writes = PowerCutVfs::counts().wal_writes - before.wal_writes;
    EXPECT_GT(writes, 0u) << "the WAL writes do not reach the power cut VFS";
    EXPECT_LT(writes, 30u) << "the WAL frames were not gathered by admit-wal-buffer";
  }
  std::mt19937_64 rng(1);
  PowerCutVfs::restore_after_cut(Tear::none, rng);  // power never went off: only forgets
  std::error_code ec;
  fs::remove_all(dir, ec);
}

// What a running process sees of one failed WAL sync or short WAL write: that commit fails,
// and the writer goes on (the next transaction commits) without reopening anything.
TEST(PowerCut, WriterCarriesOnAfterAFailedWalSyncOrShortWrite) {
  const fs::path dir = fs::temp_directory_path() / ("admit-powercut-" + new_id("t"));
  fs::create_directories(dir);
  {
    auto db = app::open_database("sqlite:" + (dir / "fault.db").string(), {.pool_size = 1});
    auto conn = db->writer();
    conn->execute_script("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)");
    auto insert = [&] {
      sql::in_transaction(*conn, [](sql::Connection& c) {
        for (int i = 0; i < 50; ++i) c.execute("INSERT INTO t (body) VALUES (?)", {std::string(3000, 'x')});
      });
    };
    for (int fault = 0; fault < 2; ++fault) {
      if (fault == 0) PowerCutVfs::arm_failed_wal_sync(1);
      else PowerCutVfs::arm_short_wal_write(1);
      EXPECT_THROW(insert(), sql::DbError);
      EXPECT_NO_THROW(insert()) << "the writer did not recover from fault " << fault;
    }
    EXPECT_EQ(conn->query("SELECT COUNT(*) FROM t").at(0).i64(0), 100);
  }
  std::mt19937_64 rng(1);
  PowerCutVfs::restore_after_cut(Tear::none, rng);
  std::error_code ec;
  fs::remove_all(dir, ec);
}

CutOptions options(Tear tear, std::uint64_t seed_offset) {
  CutOptions o;
  o.tear = tear;
  o.rounds = static_cast<int>(env_number("ADMIT_POWERCUT_ROUNDS", 60));
  o.seed = env_number("ADMIT_POWERCUT_SEED", 20261127) + seed_offset;
  return o;
}

void expect_durable(const Report& r, const char* what) {
  SCOPED_TRACE(what);
  std::cout << "[ power cut ] " << what << " (seed " << r.seed << "): " << r.rounds << " rounds, " << r.cuts << " cuts, "
            << r.delivered << " registrations answered 201, " << r.unavailable << " answered 503, "
            << r.injected_faults << " injected I/O faults, " << r.wal_headers << " WAL headers\n";
  EXPECT_GT(r.cuts, r.rounds / 3) << "the cut points should mostly fall inside the rounds";
  EXPECT_LT(r.cuts, r.rounds) << "some rounds should end without a cut";
  EXPECT_GT(r.delivered, 0u);
  EXPECT_EQ(r.integrity_failures, 0);
  EXPECT_EQ(r.lost, 0u) << "registrations answered 201 and then lost to a power cut";
  EXPECT_EQ(r.incomplete, 0u);
  EXPECT_EQ(r.duplicate_keys, 0u);
  EXPECT_EQ(r.wrong_replays, 0u);
  EXPECT_EQ(r.wrong_errors, 0u);
  EXPECT_EQ(r.oversold, 0u);
  EXPECT_EQ(r.counter_mismatches, 0u);
}

TEST(PowerCut, DurableRegistrationsSurviveCutsThatLoseEverythingUnsynced) {
  expect_durable(PowerCutRun(options(Tear::none, 0)).run(), "unsynced writes lost");
}

TEST(PowerCut, DurableRegistrationsSurviveCutsThatTearTheLastWrite) {
  expect_durable(PowerCutRun(options(Tear::last_write, 1)).run(), "last unsynced write torn");
}

TEST(PowerCut, WalWriteBufferSurvivesShortWritesAndFailedSyncsBeforeTheCut) {
  CutOptions o = options(Tear::last_write, 2);
  o.wal_faults = true;
  const Report r = PowerCutRun(o).run();
  expect_durable(r, "short WAL write and failed WAL sync, then a cut");
  EXPECT_GT(r.injected_faults, static_cast<std::uint64_t>(r.rounds / 2));
  EXPECT_GT(r.unavailable, 0u) << "a failed write should have answered 503";
}

// The background checkpointer rewinds the WAL under load (storage/sqlite/sqlite_database.cpp):
// here whenever it holds a frame, checking every millisecond, so cuts also land in rewinds
// and in frames written over an old WAL.
TEST(PowerCut, DurableRegistrationsSurviveCutsAcrossWalRewinds) {
  CutOptions o = options(Tear::last_write, 4);
  o.rewinds = true;
  const Report r = PowerCutRun(o).run();
  expect_durable(r, "the WAL rewound at every checkpoint");
  // At most one WAL header a round without rewinds (each round reopens the database; 60 in
  // 60 rounds in the other cases), so any more are rewinds: 96-109 for 60 rounds on a quiet
  // machine, 75 in a CI run on a busy one, where fewer checkpoints fit before each cut.
  EXPECT_GT(r.wal_headers, static_cast<std::uint64_t>(r.rounds)) << "the WAL was never rewound";
}

// The harness has teeth: with durability relaxed (synchronous=NORMAL), commits are not
// synced, and cuts do lose registrations that were answered 201 (but never corrupt).
TEST(PowerCut, RelaxedDurabilityLosesAnsweredRegistrations) {
  CutOptions o = options(Tear::none, 3);
  o.durable = false;
  o.wal_cuts_only = true;
  o.rounds = std::min(o.rounds, 40);
  const Report r = PowerCutRun(o).run();
  std::cout << "[ power cut ] relaxed: " << r.cuts << " cuts lost " << r.lost << " of "
            << r.delivered << " registrations answered 201\n";
  EXPECT_GT(r.lost, 0u);
  EXPECT_EQ(r.integrity_failures, 0);
  EXPECT_EQ(r.oversold, 0u);
  EXPECT_EQ(r.counter_mismatches, 0u);
}

}  // namespace
}  // namespace admit::test

int main(int argc, char** argv) {
  // Before any database opens, so the admit-wal-buffer VFS wraps this one.
  admit::test::PowerCutVfs::install();
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
