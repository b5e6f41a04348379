#include "support/test_database.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>

#include "app/open_database.hpp"
#include "storage/sql/migrations.hpp"

namespace admit::test {

namespace {

namespace fs = std::filesystem;

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

bool keep_databases() { return env("ADMIT_TEST_KEEP_DATABASES") == "1"; }

// "<pid>_<random>": unique across the processes ctest runs at once.
const std::string& process_tag() {
  static const std::string tag = [] {
    std::random_device rd;
    return std::to_string(::getpid()) + "_" + std::to_string(rd() % 1000000);
  }();
  return tag;
}

std::atomic<int> next_number{0};

// A Database that removes its storage (file or PostgreSQL database) when it dies.
class DisposableDatabase final : public sql::Database {
 public:
  DisposableDatabase(std::unique_ptr<sql::Database> inner, std::function<void()> dispose)
      : inner_(std::move(inner)), dispose_(std::move(dispose)) {}
  ~DisposableDatabase() override {
    inner_.reset();  // close every connection first
    if (dispose_ && !keep_databases()) {
      try {
        dispose_();
      } catch (const std::exception&) {
        // Best effort: a leftover test database is harmless.
      }
    }
  }
  sql::Dialect dialect() const noexcept override { return inner_->dialect(); }
  sql::PooledConnection writer() override { return inner_->writer(); }
  sql::PooledConnection reader() override { return inner_->reader(); }
  sql::PoolStats stats() const override { return inner_->stats(); }
  bool ping() override { return inner_->ping(); }

 private:
  std::unique_ptr<sql::Database> inner_;
  std::function<void()> dispose_;
};

// ---- SQLite ----------------------------------------------------------------------------

class SqliteFactory {
 public:
  ~SqliteFactory() {
    if (!dir_.empty() && !keep_databases()) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
  }

  std::unique_ptr<sql::Database> open(bool migrated, const sql::OpenOptions& options) {
    const fs::path file = directory() / ("test_" + std::to_string(++next_number) + ".db");
    if (migrated) fs::copy_file(migrated_template(), file);
    auto db = app::open_database("sqlite:" + file.string(), options);
    return std::make_unique<DisposableDatabase>(std::move(db), [file] {
      std::error_code ec;
      for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(file.string() + suffix, ec);
    });
  }

 private:
  const fs::path& directory() {
    std::lock_guard lock(mu_);
    if (dir_.empty()) {
      remove_stale_directories();
      dir_ = fs::temp_directory_path() / ("admit-test-" + process_tag());
      fs::create_directories(dir_);
    }
    return dir_;
  }

  // Migrating once and copying the file is faster than migrating every database.
  const fs::path& migrated_template() {
    const fs::path& dir = directory();
    std::lock_guard lock(mu_);
    if (template_.empty()) {
      const fs::path file = dir / "template.db";
      fs::remove(file);
      {
        auto db = app::open_database("sqlite:" + file.string(), {.pool_size = 1});
        sql::migrate(*db);
      }  // closing the last connection checkpoints the WAL into the file
      template_ = file;
    }
    return template_;
  }

  // Directories left by test processes that crashed (their pid is gone).
  static void remove_stale_directories() {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(fs::temp_directory_path(), ec)) {
      const std::string name = entry.path().filename().string();
      if (!name.starts_with("admit-test-")) continue;
      const long pid = std::strtol(name.c_str() + 11, nullptr, 10);
      if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
        fs::remove_all(entry.path(), ec);
    }
  }

  std::mutex mu_;
  fs::path dir_;
  fs::path template_;
};

// ---- PostgreSQL ------------------------------------------------------------------------

std::string admin_url() {
  if (auto url = env("ADMIT_TEST_POSTGRES_URL"); !url.empty()) return url;
  const std::string dir = env("ADMIT_TEST_POSTGRES_DIR");
  if (dir.empty())
    throw std::runtime_error(
        "ADMIT_TEST_BACKEND=postgres needs ADMIT_TEST_POSTGRES_URL, or ADMIT_TEST_POSTGRES_DIR "
        "holding the url file written by `tests/support/postgres.sh start DIR`");
  std::ifstream in(fs::path(dir) / "url");
  std::string url;
  std::getline(in, url);
  while (!url.empty() && (url.back() == '\r' || url.back() == ' ')) url.pop_back();
  if (url.empty())
    throw std::runtime_error("no PostgreSQL url in " + dir +
                             "/url; run `tests/support/postgres.sh start " + dir + "` first");
  return url;
}

// The same server URL with another database name (the path component).
std::string with_database(const std::string& url, const std::string& name) {
  const auto authority = url.find("://");
  const auto begin = authority == std::string::npos ? 0 : authority + 3;
  const auto path = url.find_first_of("/?", begin);
  if (path == std::string::npos) return url + "/" + name;
  const auto end = url.find('?', path);
  const std::string query = end == std::string::npos ? "" : url.substr(end);
  return url.substr(0, path) + "/" + name + query;
}

// What a freshly migrated database looks like, so a used one can be reset to it.
struct Baseline {
  bool recyclable = false;          // false when migrations seed rows TRUNCATE would lose
  std::set<std::string> relations;  // relation names in schema public
  std::string fingerprint;          // digest of the schema (see kFingerprintSql)
  std::string reset_sql;            // empties every table, restores schema_migrations
};

// A digest of everything a test could change in the schema: schemas, relations, columns,
// defaults, constraints, indexes, functions, triggers, types and sequence positions.
constexpr const char* kFingerprintSql = R"sql(
SELECT md5(coalesce(string_agg(x, ',' ORDER BY x), '')) FROM (
  SELECT 'n:' || nspname AS x FROM pg_namespace
    WHERE nspname NOT LIKE 'pg\_%' AND nspname <> 'information_schema'
  UNION ALL
  SELECT 'r:' || c.oid::regclass::text || ':' || c.relkind::text FROM pg_class c
    WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'a:' || a.attrelid::regclass::text || '.' || a.attname || ':' ||
         format_type(a.atttypid, a.atttypmod) || ':' || a.attnotnull::text || ':' ||
         coalesce(pg_get_expr(d.adbin, d.adrelid), '')
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT 'c:' || conrelid::regclass::text || '.' || conname || ':' || pg_get_constraintdef(oid)
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'i:' || pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
    WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'p:' || p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
  UNION ALL
  SELECT 't:' || t.tgrelid::regclass::text || '.' || t.tgname || ':' || t.tgenabled::text
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'y:' || typname FROM pg_type WHERE typnamespace = 'public'::regnamespace
  UNION ALL
  SELECT 's:' || schemaname || '.' || sequencename || ':' || coalesce(last_value, 0)::text
    FROM pg_sequences
) f)sql";

constexpr const char* kRelationsSql =
    "SELECT c.relname, c.relkind::text FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace";

std::string quote_identifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

Baseline capture_baseline(sql::Connection& conn) {
  Baseline b;
  for (const auto& row : conn.query(kRelationsSql)) b.relations.insert(row.text(0));
  b.fingerprint = conn.query(kFingerprintSql).at(0).text(0);
  std::string tables;
  b.recyclable = true;
  for (const auto& row : conn.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                    "ORDER BY tablename")) {
    const std::string table = quote_identifier(row.text(0));
    if (row.text(0) != "schema_migrations" &&
        !conn.query("SELECT 1 FROM " + table + " LIMIT 1").empty())
      b.recyclable = false;
    tables += (tables.empty() ? "" : ", ") + table;
  }
  const auto rows = conn.query(
      "SELECT string_agg(format('(%s, %L, %s)', version, name, applied_at), ', ' ORDER BY version) "
      "FROM schema_migrations");
  b.reset_sql = "BEGIN; TRUNCATE " + tables + " RESTART IDENTITY CASCADE;";
  if (!rows.empty() && !rows[0].is_null(0))
    b.reset_sql += " INSERT INTO schema_migrations (version, name, applied_at) VALUES " +
                   rows[0].text(0) + ";";
  b.reset_sql += " COMMIT;";
  return b;
}

// Creating a database copies its template (a few hundred milliseconds on a busy machine),
// so a background thread keeps migrated databases ready ahead of the tests that ask for
// them. A finished one is reset to its migrated state (drop what the test added, check
// the schema fingerprint, truncate every table), which is several times faster than a
// new copy; when the reset is not certain to be exact, it is dropped instead.
class PostgresFactory {
 public:
  ~PostgresFactory() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (worker_.joinable()) worker_.join();
    if (!admin_ || keep_databases()) return;
    for (const auto& name : ready_) try_drop(name);
    for (const auto& used : finished_) try_drop(used.name);
    if (!template_.empty()) try_drop(template_);
  }

  std::unique_ptr<sql::Database> open(bool migrated, const sql::OpenOptions& options) {
    std::string name;
    if (migrated) {
      std::unique_lock lock(mu_);
      if (!worker_.joinable()) worker_ = std::thread([this] { work(); });
      cv_.wait(lock, [&] { return !ready_.empty() || failure_; });
      if (ready_.empty()) std::rethrow_exception(failure_);
      name = std::move(ready_.front());
      ready_.pop_front();
      lock.unlock();
      cv_.notify_all();  // the worker prepares the next one
    } else {
      connect_admin();
      name = next_name();
      admin_->writer()->execute_script("CREATE DATABASE " + name + " TEMPLATE template0");
    }
    std::unique_ptr<sql::Database> db;
    try {
      db = app::open_database(with_database(url_, name), options);
    } catch (...) {
      finish(name, false);
      throw;
    }
    return std::make_unique<DisposableDatabase>(std::move(db),
                                                [this, name, migrated] { finish(name, migrated); });
  }

 private:
  struct Used {
    std::string name;
    bool recyclable;
  };

  static constexpr std::size_t kReadyAhead = 2;

  static std::string next_name() {
    return "admit_test_" + process_tag() + "_" + std::to_string(++next_number);
  }

  void connect_admin() {
    std::lock_guard lock(admin_mu_);
    if (!admin_) {
      url_ = admin_url();
      admin_ = app::open_database(url_, {.pool_size = 2});
    }
  }

  void drop(const std::string& name) {
    admin_->writer()->execute_script("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  void try_drop(const std::string& name) noexcept {
    try {
      drop(name);
    } catch (const std::exception&) {
      // Best effort: a leftover test database is harmless.
    }
  }

  // Called when a test database dies (its connections are closed by then).
  void finish(const std::string& name, bool recyclable) {
    {
      std::lock_guard lock(mu_);
      finished_.push_back({name, recyclable});
    }
    cv_.notify_all();
  }

  // Resets a used database to the migrated state; false when that cannot be certain.
  bool reset(const std::string& name) {
    if (!baseline_.recyclable) return false;
    auto db = app::open_database(with_database(url_, name), {.pool_size = 1});
    auto conn = db->writer();
    for (const auto& row : conn->query(kRelationsSql)) {
      if (baseline_.relations.contains(row.text(0))) continue;
      const std::string& kind = row.text(1);
      const char* what = kind == "r" || kind == "p" ? "TABLE"
                         : kind == "v"              ? "VIEW"
                         : kind == "m"              ? "MATERIALIZED VIEW"
                         : kind == "S"              ? "SEQUENCE"
                         : kind == "i"              ? "INDEX"
                                                    : nullptr;
      if (what == nullptr) return false;
      conn->execute_script(std::string("DROP ") + what + " IF EXISTS " +
                           quote_identifier(row.text(0)) + " CASCADE");
    }
    if (conn->query(kFingerprintSql).at(0).text(0) != baseline_.fingerprint) return false;
    conn->execute_script(baseline_.reset_sql);
    return true;
  }

  void work() {
    try {
      connect_admin();
      make_template();
    } catch (...) {
      std::lock_guard lock(mu_);
      failure_ = std::current_exception();
      cv_.notify_all();
      return;
    }
    std::unique_lock lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return stopping_ || !finished_.empty() || ready_.size() < kReadyAhead; });
      if (stopping_) return;
      if (!finished_.empty()) {
        const Used used = std::move(finished_.front());
        finished_.pop_front();
        lock.unlock();
        bool reused = false;
        if (used.recyclable && !keep_databases()) {
          try {
            reused = reset(used.name);
          } catch (const std::exception&) {
            reused = false;
          }
        }
        if (!reused && !keep_databases()) try_drop(used.name);
        lock.lock();
        if (reused) ready_.push_back(used.name);
        cv_.notify_all();
        continue;
      }
      lock.unlock();
      const std::string name = next_name();
      try {
        admin_->writer()->execute_script("CREATE DATABASE " + name + " TEMPLATE " + template_);
        lock.lock();
        ready_.push_back(name);
      } catch (...) {
        lock.lock();
        failure_ = std::current_exception();
        cv_.notify_all();
        return;
      }
      cv_.notify_all();
    }
  }

  // One migrated database per process; new test databases are copies of it.
  void make_template() {
    const std::string name = "admit_template_" + process_tag();
    admin_->writer()->execute_script("DROP DATABASE IF EXISTS " + name);
    admin_->writer()->execute_script("CREATE DATABASE " + name + " TEMPLATE template0");
    {
      auto db = app::open_database(with_database(url_, name), {.pool_size = 1});
      sql::migrate(*db);
      baseline_ = capture_baseline(*db->writer());
    }  // no session may stay connected to a template while it is copied
    template_ = name;
  }

  std::mutex admin_mu_;
  std::string url_;
  std::unique_ptr<sql::Database> admin_;
  // Written by the worker before it makes any database ready.
  std::string template_;
  Baseline baseline_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::thread worker_;
  std::deque<std::string> ready_;  // migrated, unused
  std::deque<Used> finished_;      // used: to reset or drop
  std::exception_ptr failure_;
  bool stopping_ = false;
};

}  // namespace

std::string backend_name() {
  std::string name = env("ADMIT_TEST_BACKEND");
  if (name.empty()) return "sqlite";
  if (name == "postgresql") name = "postgres";
  if (name != "sqlite" && name != "postgres")
    throw std::runtime_error("ADMIT_TEST_BACKEND must be sqlite or postgres, not '" + name + "'");
  return name;
}

namespace {

std::unique_ptr<sql::Database> open_fresh(bool migrated, const sql::OpenOptions& options) {
  if (backend_name() == "postgres") {
    static PostgresFactory factory;
    return factory.open(migrated, options);
  }
  static SqliteFactory factory;
  return factory.open(migrated, options);
}

}  // namespace

std::unique_ptr<sql::Database> open_test_database(const sql::OpenOptions& options) {
  return open_fresh(true, options);
}

std::unique_ptr<sql::Database> open_empty_test_database(const sql::OpenOptions& options) {
  return open_fresh(false, options);
}

}  // namespace admit::test
