// Store conformance: the rows of a registration keep their parents, on every backend (the
// foreign keys of migrations 0003; decision 0007 tried replacing PostgreSQL's with
// statement-level triggers, and these are the rules any such change must keep).
#include "integration/store/registration_test_support.hpp"

namespace admit::test {
namespace {

class IntegrityTest : public RegistrationFixture {
 protected:
  // Runs `sql` in its own transaction; true when the database refused it.
  bool refused(const std::string& sql, const std::vector<sql::Value>& params) {
    auto conn = db_->writer();
    try {
      sql::in_transaction(*conn, [&](sql::Connection& c) { c.execute(sql, params); });
    } catch (const sql::DbError&) {
      return true;
    }
    return false;
  }

  static constexpr const char* kInsertRegistration =
      "INSERT INTO registrations (id, event_id, user_id, status, total, currency, idempotency_key, "
      "request_hash, created_at, updated_at) VALUES (?, ?, ?, 'confirmed', 0, 'EUR', ?, 'h', 0, 0)";
  static constexpr const char* kInsertItem =
      "INSERT INTO registration_items (registration_id, ticket_type_id, quantity, unit_price, amount, "
      "position) VALUES (?, ?, 1, 0, 0, 0)";
  static constexpr const char* kInsertTicket =
      "INSERT INTO tickets (id, registration_id, event_id, ticket_type_id, attendee_name, attendee_email, "
      "status, position, created_at) VALUES (?, ?, ?, ?, 'A', 'a@example.com', 'valid', 0, 0)";
};

TEST_F(IntegrityTest, RegistrationRowsNeedTheirParents) {
  Event e = make_event(10, {type("General", 10)});
  auto user = make_users(1).at(0);
  EXPECT_TRUE(refused(kInsertRegistration, {new_id("reg"), std::string("evt_missing"), user.id, new_id("k")}));
  EXPECT_TRUE(refused(kInsertRegistration, {new_id("reg"), e.id, std::string("usr_missing"), new_id("k")}));
  EXPECT_TRUE(refused(kInsertItem, {std::string("reg_missing"), e.ticket_types[0].id}));
  EXPECT_TRUE(refused(kInsertTicket, {new_id("tkt"), std::string("reg_missing"), e.id, e.ticket_types[0].id}));
  EXPECT_TRUE(refused(kInsertTicket, {new_id("tkt"), std::string("reg_missing"), std::string("evt_missing"),
                                      e.ticket_types[0].id}));
  // And the right parents are accepted.
  auto ok = submit(request(e, user));
  ASSERT_TRUE(ok.ok()) << ok.error().detail;
  EXPECT_FALSE(refused(kInsertTicket, {new_id("tkt"), ok->registration.id, e.id, e.ticket_types[0].id}));
}

TEST_F(IntegrityTest, ReferredToEventsAndUsersCannotBeDeleted) {
  Event e = make_event(10, {type("General", 10)});
  auto user = make_users(1).at(0);
  auto r = submit(request(e, user));
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_TRUE(refused("DELETE FROM events WHERE id = ?", {e.id}));
  EXPECT_TRUE(refused("DELETE FROM users WHERE id = ?", {user.id}));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM events WHERE id = ?", {e.id}), 1);
}

TEST_F(IntegrityTest, DeletingARegistrationDeletesItsItemsAndTickets) {
  Event e = make_event(10, {type("General", 10)});
  auto r = submit(request(e, make_users(1).at(0), 2));
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_FALSE(refused("DELETE FROM registrations WHERE id = ?", {r->registration.id}));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM registration_items WHERE registration_id = ?", {r->registration.id}), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM tickets WHERE registration_id = ?", {r->registration.id}), 0);
}

}  // namespace
}  // namespace admit::test
