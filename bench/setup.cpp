// admit_bench_setup: prepares and checks the flash-sale benchmark directly through the
// stores (no HTTP, no argon2: bench users get their bearer tokens and sessions directly).
//
//   admit_bench_setup prepare --database URL --users N --events E --seats S --out DIR
//       migrates, creates N attendees with one token each (DIR/tokens) and one signed-in
//       browser session each (DIR/sessions: the session cookie's secret a line), and E
//       published events with one free ticket type of S seats (DIR/events: "<event> <ticket type>")
//   admit_bench_setup prepare-checkin --database URL --tickets N --out DIR
//       migrates, creates one published event with N confirmed, issued tickets (codes
//       signed with the key it makes in DIR/keys, which the server then uses as
//       ADMIT_DATA_DIR=DIR), a door token for it (DIR/door_token), the codes one a line
//       (DIR/codes) and the event id (DIR/checkin_event)
//   admit_bench_setup verify-checkin --database URL --event ID --tickets N
//       prints how many tickets are checked in and how many scans were logged `ok`: both
//       must be N (every ticket admitted exactly once)
//   admit_bench_setup verify --database URL --events DIR/events
//       prints seats sold per the counters and per the rows, oversold = confirmed rows -
//       capacity (never below 0), and whether every counter equals its rows.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <string>

#include "app/open_database.hpp"
#include "common/random.hpp"
#include "tickets/keyring.hpp"
#include "storage/sql/migrations.hpp"
#include "storage/sql/sql_event_store.hpp"
#include "storage/sql/sql_registration_store.hpp"
#include "storage/sql/sql_user_store.hpp"

using namespace admit;
using namespace std::chrono_literals;

namespace {

Timestamp now() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

// A verified account of `role` with no password (bench users never sign in by hand).
void insert_user(sql::Connection& c, const std::string& id, const std::string& email, const std::string& name,
                 const std::string& role, Timestamp t) {
  c.execute("INSERT INTO users (id, email, name, password_hash, roles, email_verified_at, disabled, "
            "created_at, updated_at) VALUES (?, ?, ?, 'bench-no-password', ?, ?, 0, ?, ?)",
            {id, email, name, role, to_millis(t), to_millis(t), to_millis(t)});
}

struct BenchEvent {
  std::string id, type_id, organizer, title, type_name;
  long seats = 0;
  Timestamp starts_at;
};

// A published event of one free ticket type with all its seats; false (said on stderr)
// when the store refuses it.
bool publish_event(sql::SqlEventStore& store, const BenchEvent& b, Timestamp t) {
  Event e;
  e.id = b.id;
  e.organizer_id = b.organizer;
  e.title = b.title;
  e.description = "Benchmark event";
  e.category = "music";
  e.venue = "Bench Arena";
  e.starts_at = b.starts_at;
  e.ends_at = e.starts_at + 3h;
  e.timezone = "UTC";
  e.currency = "EUR";
  e.capacity = b.seats;
  e.status = EventStatus::draft;
  e.created_at = e.updated_at = t;
  TicketType tt;
  tt.id = b.type_id;
  tt.event_id = b.id;
  tt.name = b.type_name;
  tt.capacity = b.seats;
  e.ticket_types.push_back(tt);
  if (auto created = store.create_event(e); !created) {
    std::cerr << "cannot create event: " << created.error().detail << "\n";
    return false;
  }
  return static_cast<bool>(store.set_status(b.id, EventStatus::published, t));
}

int prepare(sql::Database& db, int users, int events, long seats, const std::string& out) {
  sql::migrate(db);
  sql::CredentialsEpoch credentials;
  sql::SqlUserStore user_store(db, credentials);
  sql::SqlEventStore event_store(db);
  const Timestamp t = now();
  std::ofstream tokens(out + "/tokens");
  std::ofstream sessions(out + "/sessions");
  std::string organizer;
  {
    auto conn = db.writer();
    sql::in_transaction(*conn, [&](sql::Connection& c) {
      for (int i = 0; i <= users; ++i) {
        const std::string id = new_id("usr");
        const std::string email = "bench" + std::to_string(i) + "." + new_id("b") + "@example.com";
        insert_user(c, id, email, "Bench " + std::to_string(i), i == 0 ? "organizer" : "attendee", t);
        if (i == 0) {
          organizer = id;
          continue;
        }
        const std::string secret = new_secret_token();
        c.execute("INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES (?, ?, 'bench', ?, ?)",
                  {new_id("tok"), id, sha256_hex(secret), to_millis(t)});
        tokens << secret << "\n";
        // A session as signing in makes it (sessions_service): the cookie holds the secret,
        // the row its SHA-256; 30 days of absolute life, seen now.
        const std::string cookie = new_secret_token();
        c.execute("INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, user_agent, ip, handle) "
                  "VALUES (?, ?, ?, ?, ?, 'admit_loadgen', '127.0.0.1', ?)",
                  {sha256_hex(cookie), id, to_millis(t), to_millis(t), to_millis(t + 24h * 30), new_id("ses")});
        sessions << cookie << "\n";
      }
    });
  }
  std::ofstream list(out + "/events");
  for (int i = 0; i < events; ++i) {
    const BenchEvent b{new_id("evt"), new_id("tt"), organizer, "Flash sale " + std::to_string(i + 1), "Free", seats,
                       t + 24h * 30};
    if (!publish_event(event_store, b, t)) return 1;
    list << b.id << " " << b.type_id << "\n";
  }
  std::cout << "prepared " << users << " users with tokens and sessions and " << events << " events of " << seats
            << " seats in " << out << "\n";
  return 0;
}

int verify(sql::Database& db, const std::string& events_file) {
  std::ifstream in(events_file);
  long capacity = 0, counted = 0, rows = 0, oversold = 0;
  auto conn = db.reader();
  for (std::string event, type; in >> event >> type;) {
    auto e = conn->query("SELECT capacity, sold FROM events WHERE id = ?", {event});
    auto r = conn->query("SELECT COUNT(*) FROM tickets t JOIN registrations r ON r.id = t.registration_id "
                         "WHERE r.event_id = ? AND r.status IN ('confirmed', 'pending_payment') "
                         "AND t.status <> 'cancelled'",
                         {event});
    const long cap = e.at(0).i64(0), sold = e.at(0).i64(1), live = r.at(0).i64(0);
    capacity += cap;
    counted += sold;
    rows += live;
    if (live > cap) oversold += live - cap;
  }
  sql::SqlRegistrationStore store(db);
  const auto mismatches = store.check_counters();
  std::cout << "database: capacity " << capacity << ", sold counter " << counted << ", confirmed ticket rows "
            << rows << ", oversold " << oversold << ", counters " << (mismatches.empty() ? "equal rows" : "DIFFER")
            << "\n";
  std::cout << "VERIFY capacity=" << capacity << " sold=" << counted << " rows=" << rows
            << " oversold=" << oversold << " counters_ok=" << (mismatches.empty() ? 1 : 0) << "\n";
  return oversold == 0 && mismatches.empty() ? 0 : 1;
}

// One event with `tickets` confirmed tickets, 50 to a registration, their codes signed.
int prepare_checkin(sql::Database& db, long tickets, const std::string& out) {
  sql::migrate(db);
  auto keys = tickets::TicketKeyring::open({std::filesystem::path(out) / "keys", "", ""});
  if (!keys) {
    std::cerr << "keys: " << keys.error().detail << "\n";
    return 1;
  }
  const Timestamp t = now();
  const std::string organizer = new_id("usr"), buyer = new_id("usr"), event = new_id("evt"), type = new_id("tt");
  const std::string door = new_secret_token();
  std::ofstream codes(out + "/codes");
  sql::in_transaction(*db.writer(), [&](sql::Connection& c) {
    for (const auto& [id, role] : {std::pair{organizer, "organizer"}, std::pair{buyer, "attendee"}})
      insert_user(c, id, id + "@example.com", std::string("Bench ") + role, role, t);
    c.execute("INSERT INTO api_tokens (id, user_id, name, token_hash, event_scope, created_at) "
              "VALUES (?, ?, 'bench door', ?, ?, ?)",
              {new_id("tok"), organizer, sha256_hex(door), event, to_millis(t)});
  });
  sql::SqlEventStore event_store(db);
  if (!publish_event(event_store, {event, type, organizer, "Door benchmark", "Standing", tickets, t + 24h}, t)) return 1;
  auto conn = db.writer();  // the only writer of SQLite: taken after the event store's writes
  for (long done = 0; done < tickets;) {
    sql::in_transaction(*conn, [&](sql::Connection& c) {
      for (int batch = 0; batch < 200 && done < tickets; ++batch) {
        const long n = std::min(50L, tickets - done);
        const std::string reg = new_id("reg");
        c.execute("INSERT INTO registrations (id, event_id, user_id, status, total, currency, idempotency_key, "
                  "request_hash, created_at, updated_at, tickets_issued_at) VALUES (?, ?, ?, 'confirmed', 0, "
                  "'EUR', ?, 'bench', ?, ?, ?)",
                  {reg, event, buyer, reg, to_millis(t), to_millis(t), to_millis(t)});
        c.execute("INSERT INTO registration_items (registration_id, ticket_type_id, quantity, unit_price, amount) "
                  "VALUES (?, ?, ?, 0, 0)",
                  {reg, type, std::int64_t{n}});
        for (long k = 0; k < n; ++k) {
          const std::string id = new_id("tkt");
          const std::string code = *(*keys)->signer().sign(id, event);
          c.execute("INSERT INTO tickets (id, registration_id, event_id, ticket_type_id, attendee_name, "
                    "attendee_email, status, qr, position, created_at) VALUES (?, ?, ?, ?, ?, ?, 'valid', ?, ?, ?)",
                    {id, reg, event, type, "Guest " + std::to_string(done + k), "guest@example.com", code,
                     std::int64_t{k}, to_millis(t)});
          codes << code << "\n";
        }
        done += n;
      }
    });
  }
  sql::in_transaction(*conn, [&](sql::Connection& c) {
    c.execute("UPDATE events SET sold = ? WHERE id = ?", {std::int64_t{tickets}, event});
    c.execute("UPDATE ticket_types SET sold = ? WHERE id = ?", {std::int64_t{tickets}, type});
  });
  std::ofstream(out + "/door_token") << door << "\n";
  std::ofstream(out + "/checkin_event") << event << "\n";
  std::cout << "prepared one event with " << tickets << " issued tickets and a door token in " << out << "\n";
  return 0;
}

int verify_checkin(sql::Database& db, const std::string& event, long tickets) {
  auto conn = db.reader();
  const long in = conn->query("SELECT COUNT(*) FROM tickets WHERE event_id = ? AND status = 'checked_in'", {event})
                      .at(0).i64(0);
  const long ok = conn->query("SELECT COUNT(*) FROM checkins WHERE event_id = ? AND result = 'ok'", {event}).at(0).i64(0);
  const long logged = conn->query("SELECT COUNT(*) FROM checkins WHERE event_id = ?", {event}).at(0).i64(0);
  const bool once = in == tickets && ok == tickets;
  std::cout << "database: " << in << " of " << tickets << " tickets checked in, " << ok << " scans logged ok of "
            << logged << (once ? " (every ticket admitted exactly once)" : " (NOT exactly once)") << "\n";
  std::cout << "VERIFY_CHECKIN checked_in=" << in << " ok_scans=" << ok << " logged=" << logged
            << " exactly_once=" << (once ? 1 : 0) << "\n";
  return once ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: admit_bench_setup prepare|verify --database URL ...\n";
    return 2;
  }
  std::map<std::string, std::string> opt;
  for (int i = 2; i + 1 < argc; i += 2) opt[argv[i]] = argv[i + 1];
  try {
    auto db = app::open_database(opt["--database"], {.pool_size = 2});
    const std::string cmd = argv[1];
    if (cmd == "prepare")
      return prepare(*db, std::atoi(opt["--users"].c_str()), std::atoi(opt["--events"].c_str()),
                     std::atol(opt["--seats"].c_str()), opt["--out"]);
    if (cmd == "verify") return verify(*db, opt["--events"]);
    if (cmd == "prepare-checkin") return prepare_checkin(*db, std::atol(opt["--tickets"].c_str()), opt["--out"]);
    if (cmd == "verify-checkin")
      return verify_checkin(*db, opt["--event"], std::atol(opt["--tickets"].c_str()));
  } catch (const std::exception& e) {
    std::cerr << "admit_bench_setup: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "unknown command\n";
  return 2;
}
