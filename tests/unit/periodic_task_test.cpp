// PeriodicTask: runs at start and then every interval, survives a throwing run, and stops
// at once (without waiting for the interval) and cleanly.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "app/periodic_task.hpp"

namespace admit::app {
namespace {

using namespace std::chrono_literals;

// Waits up to 10 s for `done`.
template <class F>
bool eventually(F done) {
  for (int i = 0; i < 1000 && !done(); ++i) std::this_thread::sleep_for(10ms);
  return done();
}

TEST(PeriodicTask, RunsAtStartThenEveryInterval) {
  std::atomic<int> runs{0};
  PeriodicTask task("test", 20ms, [&] { ++runs; });
  task.start();
  task.start();  // idempotent: still one thread
  EXPECT_TRUE(eventually([&] { return runs.load() >= 3; }));
  task.stop();
  const int after_stop = runs.load();
  std::this_thread::sleep_for(60ms);
  EXPECT_EQ(runs.load(), after_stop) << "no run after stop()";
  task.stop();  // idempotent
}

TEST(PeriodicTask, StopDoesNotWaitForTheInterval) {
  std::atomic<int> runs{0};
  PeriodicTask task("hourly", std::chrono::hours(1), [&] { ++runs; });
  task.start();
  ASSERT_TRUE(eventually([&] { return runs.load() == 1; })) << "the first run is at start";
  const auto begin = std::chrono::steady_clock::now();
  task.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 5s);
  EXPECT_EQ(runs.load(), 1);
}

TEST(PeriodicTask, AThrowingRunIsLoggedAndTheNextOneStillHappens) {
  std::atomic<int> runs{0};
  PeriodicTask task("flaky", 10ms, [&] {
    if (++runs == 1) throw std::runtime_error("database unreachable");
  });
  task.start();
  EXPECT_TRUE(eventually([&] { return runs.load() >= 2; }));
}

TEST(PeriodicTask, TheDestructorStopsIt) {
  std::atomic<int> runs{0};
  {
    PeriodicTask task("scoped", 10ms, [&] { ++runs; });
    task.start();
    ASSERT_TRUE(eventually([&] { return runs.load() >= 1; }));
  }
  const int after = runs.load();
  std::this_thread::sleep_for(40ms);
  EXPECT_EQ(runs.load(), after);
}

}  // namespace
}  // namespace admit::app
