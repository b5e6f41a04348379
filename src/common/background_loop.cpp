#include "common/background_loop.hpp"

#include <pthread.h>

#include <exception>

#include "common/log.hpp"

namespace admit {

BackgroundLoop::Step BackgroundLoop::each(std::function<void()> fn) {
  return [fn = std::move(fn)] {
    fn();
    return Next::interval();
  };
}

BackgroundLoop::BackgroundLoop(std::string name, std::chrono::milliseconds interval, Step step,
                               bool run_at_start)
    : name_(std::move(name)), interval_(interval), step_(std::move(step)), run_at_start_(run_at_start) {}

BackgroundLoop::~BackgroundLoop() {
  stop();
  // stop() from the step itself leaves the thread to end on its own.
  if (thread_.joinable()) thread_.detach();
}

void BackgroundLoop::start() {
  std::lock_guard lock(mu_);
  // Running, or stopped from its own step and not yet ended: nothing to start.
  if (thread_.joinable()) return;
  stopping_.store(false);
  woken_ = false;
  thread_ = std::thread([this] { run(); });
}

void BackgroundLoop::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_.store(true);
  }
  cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void BackgroundLoop::wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

bool BackgroundLoop::running() const {
  std::lock_guard lock(mu_);
  return thread_.joinable() && !stopping_.load();
}

BackgroundLoop::Next BackgroundLoop::run_step() {
  try {
    return step_();
  } catch (const std::exception& e) {
    log::error("background step failed", {{"loop", name_}, {"error", e.what()}});
  } catch (...) {
    log::error("background step failed", {{"loop", name_}, {"error", "unknown exception"}});
  }
  return Next::interval();
}

void BackgroundLoop::wait(std::unique_lock<std::mutex>& lock, const Next& next) {
  auto done = [this] { return stopping_.load() || woken_; };
  switch (next.kind) {
    case Next::Kind::now:
      return;
    case Next::Kind::after:
      cv_.wait_for(lock, next.delay, done);
      return;
    case Next::Kind::interval:
      if (interval_.count() > 0) {
        cv_.wait_for(lock, interval_, done);
        return;
      }
      [[fallthrough]];
    case Next::Kind::idle:
      cv_.wait(lock, done);
      return;
  }
}

void BackgroundLoop::run() {
  // Thread names are at most 15 characters.
  pthread_setname_np(pthread_self(), name_.substr(0, 15).c_str());
  std::unique_lock lock(mu_);
  if (!run_at_start_) wait(lock, Next::interval());
  while (!stopping_.load()) {
    woken_ = false;
    lock.unlock();
    const Next next = run_step();
    lock.lock();
    if (stopping_.load()) break;
    wait(lock, next);
  }
}

}  // namespace admit
