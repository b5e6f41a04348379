// The one migration source per version (migrations/NNNN_name.sql) and its rendering per
// dialect: placeholders, dialect blocks, and the errors that name the line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>

#include "storage/sql/migrations.hpp"

namespace admit::sql {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string render_error(std::string_view source) {
  try {
    render_migration(source, Dialect::sqlite);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(MigrationSource, IntegerPlaceholderIsInt64OnEachDialect) {
  const std::string_view src = "CREATE TABLE t (a {{integer}} NOT NULL, b {{integer}}, c INTEGER);\n";
  EXPECT_EQ(render_migration(src, Dialect::sqlite),
            "CREATE TABLE t (a INTEGER NOT NULL, b INTEGER, c INTEGER);\n");
  EXPECT_EQ(render_migration(src, Dialect::postgres),
            "CREATE TABLE t (a BIGINT NOT NULL, b BIGINT, c INTEGER);\n");
}

TEST(MigrationSource, DialectBlocksKeepOnlyTheirDatabasesLines) {
  const std::string_view src =
      "A;\n"
      "-- @sqlite\n"
      "S1;\n"
      "S2;\n"
      "  -- @postgres\n"
      "P;\n"
      "-- @end\n"
      "B;";
  EXPECT_EQ(render_migration(src, Dialect::sqlite), "A;\nS1;\nS2;\nB;");
  EXPECT_EQ(render_migration(src, Dialect::postgres), "A;\nP;\nB;");
}

TEST(MigrationSource, MistakesNameTheLine) {
  EXPECT_THAT(render_error("A;\nx {{bigint}};\n"), HasSubstr("line 2: unknown placeholder '{{bigint}}'"));
  EXPECT_THAT(render_error("-- @mysql\n"), HasSubstr("line 1: unknown marker '-- @mysql'"));
  EXPECT_THAT(render_error("A;\n-- @sqlite\nS;\n"), HasSubstr("line 2: dialect block not closed"));
  EXPECT_THAT(render_error("-- @end\n"), HasSubstr("line 1: '-- @end' without an open"));
  EXPECT_THAT(render_error("-- @postgres\n-- @postgres\n-- @end\n"), HasSubstr("line 2:"));
  EXPECT_THAT(render_error("-- @see 0003\n"), HasSubstr("line 1: unknown marker '-- @see 0003'"));
  // A comment that merely mentions a marker is an ordinary comment, kept on both.
  EXPECT_EQ(render_migration("-- write -- @sqlite to start a block\n", Dialect::postgres),
            "-- write -- @sqlite to start a block\n");
}

TEST(MigrationSource, EveryEmbeddedMigrationRendersForBothDatabases) {
  ASSERT_FALSE(embedded_migrations().empty());
  std::set<int> versions;
  for (const auto& m : embedded_migrations()) {
    SCOPED_TRACE(std::string(m.name));
    EXPECT_TRUE(versions.insert(m.version).second) << "two migrations numbered " << m.version;
    EXPECT_EQ(std::stoi(std::string(m.name.substr(0, m.name.find('_')))), m.version);
    for (Dialect d : {Dialect::sqlite, Dialect::postgres}) {
      std::string sql;
      ASSERT_NO_THROW(sql = render_migration(m.source, d));
      EXPECT_THAT(sql, Not(HasSubstr("{{")));
      EXPECT_THAT(sql, Not(HasSubstr("-- @")));
      EXPECT_FALSE(sql.empty());
    }
  }
  EXPECT_EQ(latest_version(), *versions.rbegin());
}

}  // namespace
}  // namespace admit::sql
