// Store conformance: the database sessions admit opens commit durably unless told otherwise
// (docs/decisions/0007-durable-acknowledgements.md), on every backend. The test cluster runs
// with synchronous_commit=off (tests/support/postgres.sh), so on PostgreSQL this also shows
// a server default of `off` being turned back on.
#include <gtest/gtest.h>

#include "support/test_database.hpp"

namespace admit::test {
namespace {

// SQLite: PRAGMA synchronous of the writer (2 = FULL, 1 = NORMAL); PostgreSQL:
// synchronous_commit of a session.
std::string commit_mode(sql::Database& db) {
  auto conn = db.writer();
  if (db.dialect() == sql::Dialect::sqlite) {
    const auto level = conn->query("PRAGMA synchronous").at(0).i64(0);
    return level == 2 ? "on" : level == 1 ? "off" : "other " + std::to_string(level);
  }
  return conn->query("SHOW synchronous_commit").at(0).text(0);
}

TEST(DurabilityTest, SessionsCommitDurablyByDefault) {
  auto db = open_test_database({.pool_size = 2});
  EXPECT_EQ(commit_mode(*db), "on");
}

TEST(DurabilityTest, RelaxedSessionsDoNotWaitForTheDisk) {
  auto db = open_test_database({.pool_size = 2, .durable = false});
  EXPECT_EQ(commit_mode(*db), "off");
}

}  // namespace
}  // namespace admit::test
