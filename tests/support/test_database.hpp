#pragma once
// Test databases for the store suites: one fresh, migrated database per call, on the
// backend named by ADMIT_TEST_BACKEND ("sqlite", the default, or "postgres").
//
// SQLite: a copy of a migrated template file in a per-process temporary directory.
// PostgreSQL: on the server named by ADMIT_TEST_POSTGRES_URL or the url file in
// $ADMIT_TEST_POSTGRES_DIR (tests/support/postgres.sh writes it), a copy of a migrated
// template database made once per process; a background thread keeps copies ready, and
// a used database is reset to the migrated state and reused (or dropped when its schema
// was changed). Whatever a test did is invisible to the next. Storage is removed when
// the returned object dies and at process exit, unless ADMIT_TEST_KEEP_DATABASES=1.
// Thread-safe.
#include <memory>
#include <string>

#include "storage/sql/database.hpp"

namespace admit::test {

// "sqlite" or "postgres"; throws std::runtime_error for anything else.
std::string backend_name();

// A new, empty database migrated to the latest version.
std::unique_ptr<sql::Database> open_test_database(const sql::OpenOptions& options = {});

// A new database with no migrations applied (for migration tests).
std::unique_ptr<sql::Database> open_empty_test_database(const sql::OpenOptions& options = {});

}  // namespace admit::test
