#include "storage/sqlite/sqlite_database.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "common/background_loop.hpp"
#include "storage/sqlite/sqlite_connection.hpp"

namespace admit::sql {

namespace {

constexpr std::string_view kMemory = ":memory:";

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string target, bool memory, const OpenOptions& options)
      : target_(std::move(target)),
        memory_(memory),
        busy_timeout_ms_(options.busy_timeout_ms),
        max_readers_(options.pool_size),
        durable_(options.durable),
        wal_restart_bytes_(options.wal_restart_bytes),
        checkpoint_interval_(std::max(1, options.checkpoint_interval_ms)),
        writer_(std::make_unique<SqliteConnection>(target_, SqliteConnection::Mode::read_write,
                                                   busy_timeout_ms_, durable_)) {
    if (!memory_) start_checkpointer();
  }

  ~SqliteDatabase() override {
    if (!checkpointer_) return;
    checkpointer_->stop();
    // A last full checkpoint empties the WAL, so the file alone holds everything.
    try {
      checkpoint_conn_->execute_script("PRAGMA wal_checkpoint(TRUNCATE);");
    } catch (const std::exception&) {
    }
  }

  Dialect dialect() const noexcept override { return Dialect::sqlite; }

  PooledConnection writer() override { return borrow_writer(false); }

  PooledConnection reader() override {
    if (memory_) return borrow_writer(true);
    std::unique_lock lock(mu_);
    if (idle_readers_.empty() && opened_readers_ >= max_readers_) {
      ++waits_;
      reader_cv_.wait(lock, [&] { return !idle_readers_.empty() || opened_readers_ < max_readers_; });
    }
    SqliteConnection* conn = nullptr;
    if (!idle_readers_.empty()) {
      conn = idle_readers_.back();
      idle_readers_.pop_back();
    } else {
      // Open a new reader outside the lock; the slot is reserved meanwhile.
      ++opened_readers_;
      lock.unlock();
      std::unique_ptr<SqliteConnection> fresh;
      try {
        fresh = std::make_unique<SqliteConnection>(target_, SqliteConnection::Mode::read_only,
                                                   busy_timeout_ms_);
      } catch (...) {
        lock.lock();
        --opened_readers_;
        reader_cv_.notify_one();
        throw;
      }
      conn = fresh.get();
      lock.lock();
      readers_.push_back(std::move(fresh));
    }
    ++readers_in_use_;
    return PooledConnection(conn, [this](Connection* c) { release_reader(c); });
  }

  PoolStats stats() const override {
    std::lock_guard lock(mu_);
    PoolStats s;
    s.size = 1 + static_cast<int>(readers_.size());
    s.in_use = (writer_busy_ ? 1 : 0) + readers_in_use_;
    s.waits = waits_;
    return s;
  }

  bool ping() override {
    try {
      auto conn = reader();
      return conn->query("SELECT 1").size() == 1;
    } catch (const std::exception&) {
      return false;
    }
  }

 private:
  // WAL checkpoints copy committed pages into the database file and fsync it. SQLite runs
  // them inside the commit that crosses the threshold, which stalls the single writer (and
  // every registration batch behind it). Here the writer never checkpoints; a background
  // loop (common/BackgroundLoop) with its own connection runs PASSIVE checkpoints (which
  // never block writers or readers) every 100 ms (`checkpoint_interval_ms`), so the file
  // stays current.
  //
  // PASSIVE alone never lets the WAL start over under a steady stream of commits: SQLite
  // rewinds it only when a write transaction begins with every frame copied back, and the
  // writer has always appended more by then. A flash sale then grew it to the size of
  // everything written (730 MB for 80,000 registrations, and no end to it under a load that
  // lasts), each new block allocated by the file system. So once the WAL passes
  // `wal_restart_bytes` (OpenOptions), the loop holds the writer slot between two
  // transactions and runs a RESTART checkpoint, which copies the few frames the PASSIVE one
  // could not and waits (briefly) for readers of older snapshots; the next transaction then
  // writes from the start of the file, over blocks already allocated.
  // Measured in a flash sale (bench/README.md): the writer waits 6-20 ms for it, about once
  // a second.
  static constexpr int kRestartWaitMs = 200;  // readers of old snapshots, at most
  static constexpr std::chrono::milliseconds kRestartBackoffMax{60000};

  void start_checkpointer() {
    writer_->execute_script("PRAGMA wal_autocheckpoint=0;");
    const std::int64_t page = writer_->query("PRAGMA page_size")[0].i64(0);
    wal_restart_frames_ = std::max<std::int64_t>(1, wal_restart_bytes_ / std::max<std::int64_t>(512, page));
    checkpoint_conn_ = std::make_unique<SqliteConnection>(target_, SqliteConnection::Mode::read_write,
                                                          busy_timeout_ms_, durable_);
    checkpointer_ = std::make_unique<BackgroundLoop>(
        "checkpointer", checkpoint_interval_,
        BackgroundLoop::each([this] {
          try {
            checkpoint_round();
          } catch (const std::exception&) {
            // Busy or I/O trouble: the next round tries again; the WAL keeps the data safe.
          }
        }),
        /*run_at_start=*/false);
    checkpointer_->start();
  }

  void checkpoint_round() {
    // One row: busy, frames in the WAL, frames copied back.
    auto rows = checkpoint_conn_->query("PRAGMA wal_checkpoint(PASSIVE)");
    if (rows.empty() || rows[0].i64(1) < wal_restart_frames_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now < restart_not_before_) return;
    bool busy = true;
    {
      auto gate = borrow_writer(false);  // no write transaction of this process meanwhile
      // Readers of older snapshots get kRestartWaitMs to finish, not the full busy timeout:
      // the writer waits meanwhile.
      checkpoint_conn_->execute_script("PRAGMA busy_timeout=" + std::to_string(kRestartWaitMs) + ";");
      struct Restore {
        SqliteConnection& c;
        int ms;
        ~Restore() {
          try {
            c.execute_script("PRAGMA busy_timeout=" + std::to_string(ms) + ";");
          } catch (const std::exception&) {
          }
        }
      } restore{*checkpoint_conn_, busy_timeout_ms_};
      auto restart = checkpoint_conn_->query("PRAGMA wal_checkpoint(RESTART)");
      busy = restart.empty() || restart[0].i64(0) != 0;
    }
    // Still busy (a long read elsewhere: another process, a backup): the WAL is copied back
    // but not rewound. Retrying every round would stall the writer most of the time while
    // that reader lasts, so the next try waits 1 s, then 2, 4, ... up to a minute.
    if (busy) {
      restart_backoff_ = std::min<std::chrono::milliseconds>(
          kRestartBackoffMax, restart_backoff_.count() == 0 ? std::chrono::milliseconds(1000) : 2 * restart_backoff_);
      restart_not_before_ = now + restart_backoff_;
    } else {
      restart_backoff_ = std::chrono::milliseconds(0);
    }
  }

  // `reentrant`: a thread that already holds the writer borrows it again (in-memory
  // readers) instead of waiting for itself.
  PooledConnection borrow_writer(bool reentrant) {
    std::unique_lock lock(mu_);
    const auto self = std::this_thread::get_id();
    if (reentrant && writer_busy_ && writer_owner_ == self) {
      ++writer_depth_;
      return PooledConnection(writer_.get(), [this](Connection*) { release_writer(); });
    }
    if (writer_busy_) {
      ++waits_;
      writer_cv_.wait(lock, [&] { return !writer_busy_; });
    }
    writer_busy_ = true;
    writer_owner_ = self;
    writer_depth_ = 1;
    return PooledConnection(writer_.get(), [this](Connection*) { release_writer(); });
  }

  void release_writer() noexcept {
    std::unique_lock lock(mu_);
    if (--writer_depth_ > 0) return;
    lock.unlock();
    // A borrower that leaves a transaction open must not leak it to the next one.
    writer_->rollback();
    lock.lock();
    writer_busy_ = false;
    writer_owner_ = {};
    lock.unlock();
    writer_cv_.notify_one();
  }

  void release_reader(Connection* c) noexcept {
    auto* conn = static_cast<SqliteConnection*>(c);
    conn->rollback();
    {
      std::lock_guard lock(mu_);
      idle_readers_.push_back(conn);
      --readers_in_use_;
    }
    reader_cv_.notify_one();
  }

  const std::string target_;
  const bool memory_;
  const int busy_timeout_ms_;
  const int max_readers_;
  const bool durable_;
  const std::int64_t wal_restart_bytes_;
  const std::chrono::milliseconds checkpoint_interval_;
  std::int64_t wal_restart_frames_ = 0;  // wal_restart_bytes_ in pages of this database
  // The checkpointer thread's own: when a RESTART that found readers busy may be tried again.
  std::chrono::steady_clock::time_point restart_not_before_{};
  std::chrono::milliseconds restart_backoff_{0};

  mutable std::mutex mu_;
  std::condition_variable writer_cv_;
  std::condition_variable reader_cv_;
  std::unique_ptr<SqliteConnection> writer_;
  bool writer_busy_ = false;
  std::thread::id writer_owner_;
  int writer_depth_ = 0;
  std::vector<std::unique_ptr<SqliteConnection>> readers_;  // every open reader
  std::vector<SqliteConnection*> idle_readers_;
  int opened_readers_ = 0;  // open or being opened
  int readers_in_use_ = 0;
  std::int64_t waits_ = 0;

  // Its own connection, used only by the checkpointer loop (and by the destructor once the
  // loop has stopped).
  std::unique_ptr<SqliteConnection> checkpoint_conn_;
  std::unique_ptr<BackgroundLoop> checkpointer_;
};

}  // namespace

std::unique_ptr<Database> open_sqlite(std::string_view path, const OpenOptions& options) {
  if (path == kMemory) return std::make_unique<SqliteDatabase>(std::string(kMemory), true, options);
  std::string target(path);
  if (!target.starts_with("file:")) {
    const auto parent = std::filesystem::path(target).parent_path();
    if (!parent.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(parent, ec);
      if (ec)
        throw std::runtime_error("cannot create directory '" + parent.string() +
                                 "' for the SQLite database: " + ec.message());
    }
  }
  return std::make_unique<SqliteDatabase>(std::move(target), false, options);
}

}  // namespace admit::sql
