#pragma once
// PeriodicTask: runs a function on a thread of its own, once at start() and then every
// `interval`, until stop(). For housekeeping that needs no table of its own to drive it
// (purging ended sessions and mail links). An exception from the function is logged and
// the next run happens as planned. start() and stop() are idempotent; stop() wakes the
// thread at once, waits for a run in progress and joins; the destructor stops.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace admit::app {

class PeriodicTask {
 public:
  PeriodicTask(std::string name, std::chrono::milliseconds interval, std::function<void()> fn);
  ~PeriodicTask();
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  void start();
  void stop();

 private:
  void loop();

  const std::string name_;
  const std::chrono::milliseconds interval_;
  const std::function<void()> fn_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace admit::app
