#include "support/test_database.hpp"

#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>

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
    auto db = sql::open_database("sqlite:" + file.string(), options);
    return std::make_unique<DisposableDatabase>(std::move(db), [file] {
      std::error_code ec;
      for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(file.string() + suffix, ec);
    });
  }

 private:
  const fs::path& directory() {
    std::lock_guard lock(mu_);
    if (dir_.empty()) {
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
        auto db = sql::open_database("sqlite:" + file.string(), {.pool_size = 1});
        sql::migrate(*db);
      }  // closing the last connection checkpoints the WAL into the file
      template_ = file;
    }
    return template_;
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

// Creating a database copies its template (hundreds of milliseconds on a busy machine),
// so a background thread keeps a few migrated databases ready ahead of the tests that
// will ask for them, and drops finished ones while the next test runs.
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
    for (const auto& name : finished_) try_drop(name);
    if (!template_.empty()) try_drop(template_);
  }

  std::unique_ptr<sql::Database> open(bool migrated, const sql::OpenOptions& options) {
    std::string name;
    if (migrated) {
      std::unique_lock lock(mu_);
      start_worker(lock);
      cv_.wait(lock, [&] { return !ready_.empty() || failure_; });
      if (ready_.empty()) std::rethrow_exception(failure_);
      name = std::move(ready_.front());
      ready_.pop_front();
      lock.unlock();
      cv_.notify_all();  // the worker makes the next one
    } else {
      connect_admin();
      name = next_name();
      admin_->writer()->execute_script("CREATE DATABASE " + name + " TEMPLATE template0");
    }
    std::unique_ptr<sql::Database> db;
    try {
      db = sql::open_database(with_database(url_, name), options);
    } catch (...) {
      finish(name);
      throw;
    }
    return std::make_unique<DisposableDatabase>(std::move(db), [this, name] { finish(name); });
  }

 private:
  static constexpr std::size_t kReadyAhead = 2;

  static std::string next_name() {
    return "admit_test_" + process_tag() + "_" + std::to_string(++next_number);
  }

  void connect_admin() {
    std::lock_guard lock(admin_mu_);
    if (!admin_) {
      url_ = admin_url();
      admin_ = sql::open_database(url_, {.pool_size = 2});
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

  // Called when a test database dies: the worker drops it.
  void finish(const std::string& name) {
    {
      std::lock_guard lock(mu_);
      finished_.push_back(name);
    }
    cv_.notify_all();
  }

  void start_worker(std::unique_lock<std::mutex>&) {
    if (!worker_.joinable()) worker_ = std::thread([this] { work(); });
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
        const std::string name = std::move(finished_.front());
        finished_.pop_front();
        lock.unlock();
        if (!keep_databases()) try_drop(name);
        lock.lock();
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

  // One migrated database per process; every test database is a copy of it.
  void make_template() {
    const std::string name = "admit_template_" + process_tag();
    admin_->writer()->execute_script("DROP DATABASE IF EXISTS " + name);
    admin_->writer()->execute_script("CREATE DATABASE " + name + " TEMPLATE template0");
    {
      auto db = sql::open_database(with_database(url_, name), {.pool_size = 1});
      sql::migrate(*db);
    }  // no session may stay connected to a template while it is copied
    template_ = name;
  }

  std::mutex admin_mu_;
  std::string url_;
  std::unique_ptr<sql::Database> admin_;
  std::string template_;  // written by the worker before any database is ready

  std::mutex mu_;
  std::condition_variable cv_;
  std::thread worker_;
  std::deque<std::string> ready_;     // migrated, unused
  std::deque<std::string> finished_;  // used, to drop
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
