#pragma once
// SqliteDatabase: the SQLite backend of sql::Database.
//
// Contract: exactly one writer connection; writer() is exclusive, so callers queue for
// it (FIFO is not promised). reader() lends one of up to `pool_size` read-only
// connections, opened lazily, which see every committed write (WAL mode). An in-memory
// database ("sqlite::memory:") has only the writer: reader() lends it too, and a thread
// that already holds it may borrow it again as a reader. A connection returned while
// still inside a transaction is rolled back. Handles must be returned before the
// Database dies. Thread-safe.
#include <memory>
#include <string_view>

#include "storage/sql/database.hpp"

namespace admit::sql {

// Opens (creating the file and its parent directories) the database at `path`, or a
// private in-memory database for ":memory:". Throws std::runtime_error.
std::unique_ptr<Database> open_sqlite(std::string_view path, const OpenOptions& options);

}  // namespace admit::sql
