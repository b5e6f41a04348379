#pragma once
// BackgroundLoop: one thread that runs a step every `interval`, or at once when woken, until
// stopped. The one way the server runs background work (session purge, outbox sender,
// registration sweeper, ticket issuer, change poller, snapshot re-checks, the writers of the
// registration engine and of check-in, the SQLite checkpointer, the PostgreSQL change feed's
// LISTEN wait), so neither services nor stores own a std::thread of their own. A step may
// block for a bounded time (the change feed waits up to 200 ms on its socket) and ask to
// run again at once; stop() then takes effect when that wait ends.
//
// Contract:
// - start() starts the thread (it runs the first step at once, or after one interval when
//   `run_at_start` is false); start() on a running loop does nothing; a stopped loop may be
//   started again.
// - The step says when it wants to run next (Next): after the interval (the default), at
//   once (more work is waiting), after a given delay, or only when woken. A zero interval
//   means "only when woken".
// - wake() asks for a step now: a waiting loop runs at once; a wake() during a step makes
//   the next wait return at once, so no wake is lost.
// - stop() is prompt: it ends any wait at once, waits for a step in progress to return
//   (long steps may poll stopping()), and joins. Idempotent; the destructor stops. Called
//   from the step itself, it only asks the loop to end after that step.
// - An exception from a step is logged (with the loop's name) and the loop goes on after
//   one interval.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace admit {

class BackgroundLoop {
 public:
  struct Next {
    enum class Kind { interval, now, after, idle };
    Kind kind = Kind::interval;
    std::chrono::steady_clock::duration delay{};

    static Next interval() { return {}; }
    static Next now() { return {Kind::now, {}}; }
    static Next after(std::chrono::steady_clock::duration d) { return {Kind::after, d}; }
    static Next idle() { return {Kind::idle, {}}; }
  };
  using Step = std::function<Next()>;
  // A step that always runs again after the interval.
  static Step each(std::function<void()> fn);

  BackgroundLoop(std::string name, std::chrono::milliseconds interval, Step step,
                 bool run_at_start = true);
  ~BackgroundLoop();
  BackgroundLoop(const BackgroundLoop&) = delete;
  BackgroundLoop& operator=(const BackgroundLoop&) = delete;

  void start();
  void stop();
  void wake();
  bool running() const;
  // True once stop() was called: a long step may end early.
  bool stopping() const noexcept { return stopping_.load(std::memory_order_relaxed); }
  std::chrono::milliseconds interval() const noexcept { return interval_; }

 private:
  void run();
  Next run_step();
  void wait(std::unique_lock<std::mutex>& lock, const Next& next);

  const std::string name_;
  const std::chrono::milliseconds interval_;
  const Step step_;
  const bool run_at_start_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> stopping_{false};
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace admit
