#pragma once
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace admit {

// WorkPool: a named, fixed number of threads fed by a bounded FIFO queue, for blocking work
// (HTTP handlers, database calls, argon2, PDFs) that must never run on the network threads.
// - try_post() never blocks: it returns false when the queue holds `queue_capacity` tasks
//   or the pool is stopping; the caller answers 503 with Retry-After instead of queueing
//   without limit.
// - Tasks run in FIFO order; a task that throws is logged and the worker carries on.
// - stop() stops accepting, runs every task already queued, then joins the threads. It is
//   idempotent, called by the destructor, and must not be called from a pool thread.
// All members are thread-safe.
class WorkPool {
 public:
  WorkPool(std::string name, std::size_t threads, std::size_t queue_capacity);
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  [[nodiscard]] bool try_post(std::function<void()> task);

  std::size_t queue_depth() const noexcept { return depth_.load(std::memory_order_relaxed); }
  std::size_t size() const noexcept { return thread_count_; }
  std::size_t capacity() const noexcept { return ring_.size(); }
  const std::string& name() const noexcept { return name_; }
  // Tasks currently running (for metrics).
  std::size_t busy() const noexcept { return busy_.load(std::memory_order_relaxed); }
  // True on one of this pool's threads.
  bool on_pool_thread() const noexcept;

  void stop();

 private:
  void worker_loop();

  const std::string name_;
  const std::size_t thread_count_;
  mutable std::mutex mutex_;
  std::condition_variable not_empty_;
  std::vector<std::function<void()>> ring_;  // fixed-size circular queue
  std::size_t head_ = 0;                     // next task to run
  std::size_t count_ = 0;                    // tasks queued
  std::size_t idle_ = 0;                     // workers waiting on not_empty_
  bool stopping_ = false;
  std::atomic<std::size_t> depth_{0};
  std::atomic<std::size_t> busy_{0};
  std::vector<std::thread> threads_;
  std::mutex stop_mutex_;
};

// Runs `task` on `pool`, or right here when there is no pool (tests, tools). False when the
// pool refused it (full or stopping): the caller then answers "busy" itself.
[[nodiscard]] bool run_or_post(WorkPool* pool, std::function<void()> task);

}  // namespace admit
