#include "common/work_pool.hpp"

#include <exception>
#include <stdexcept>

#include <pthread.h>

#include "common/log.hpp"

namespace admit {
namespace {
thread_local const WorkPool* t_current_pool = nullptr;
}  // namespace

WorkPool::WorkPool(std::string name, std::size_t threads, std::size_t queue_capacity)
    : name_(std::move(name)), thread_count_(threads), ring_(queue_capacity == 0 ? 1 : queue_capacity) {
  if (threads == 0) throw std::invalid_argument("WorkPool needs at least one thread");
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) {
    threads_.emplace_back([this] { worker_loop(); });
    // Linux limits thread names to 15 characters.
    std::string thread_name = name_.substr(0, 11) + "-" + std::to_string(i);
    pthread_setname_np(threads_.back().native_handle(), thread_name.substr(0, 15).c_str());
  }
}

WorkPool::~WorkPool() { stop(); }

bool WorkPool::on_pool_thread() const noexcept { return t_current_pool == this; }

bool WorkPool::try_post(std::function<void()> task) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || count_ == ring_.size()) return false;
    ring_[(head_ + count_) % ring_.size()] = std::move(task);
    ++count_;
    depth_.store(count_, std::memory_order_relaxed);
    wake = idle_ > 0;
  }
  if (wake) not_empty_.notify_one();
  return true;
}

void WorkPool::worker_loop() {
  t_current_pool = this;
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mutex_);
      while (count_ == 0 && !stopping_) {
        ++idle_;
        not_empty_.wait(lock);
        --idle_;
      }
      if (count_ == 0) return;  // stopping and drained
      task = std::move(ring_[head_]);
      ring_[head_] = nullptr;
      head_ = (head_ + 1) % ring_.size();
      --count_;
      depth_.store(count_, std::memory_order_relaxed);
    }
    busy_.fetch_add(1, std::memory_order_relaxed);
    try {
      task();
    } catch (const std::exception& e) {
      log::error("work pool task failed", {{"pool", name_}, {"error", e.what()}});
    } catch (...) {
      log::error("work pool task failed", {{"pool", name_}, {"error", "unknown exception"}});
    }
    task = nullptr;  // destroy captures before counting the task as done
    busy_.fetch_sub(1, std::memory_order_relaxed);
  }
}

void WorkPool::stop() {
  std::lock_guard stop_lock(stop_mutex_);
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  not_empty_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

bool run_or_post(WorkPool* pool, std::function<void()> task) {
  if (pool) return pool->try_post(std::move(task));
  task();
  return true;
}

}  // namespace admit
