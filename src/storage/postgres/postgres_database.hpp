#pragma once
// PostgresDatabase: the PostgreSQL backend of sql::Database.
//
// Contract: a pool of at most `pool_size` connections, opened lazily (one at open time
// to check the server is reachable); writer() and reader() both lend any pooled
// connection and wait when all are lent (PoolStats counts those waits). A connection
// returned inside a transaction is rolled back; one whose server connection broke is
// dropped, and the next borrow opens a fresh one. Handles must be returned before the
// Database dies. Thread-safe.
#include <memory>
#include <string>
#include <string_view>

#include "storage/sql/database.hpp"

namespace admit::sql {

// Connects to a "postgresql://" or "postgres://" URL. Throws std::runtime_error (the
// message never shows the password).
std::unique_ptr<Database> open_postgres(const std::string& url, const OpenOptions& options);

// The URL with any password replaced by "***", for messages and logs.
std::string redact_url(std::string_view url);

}  // namespace admit::sql
