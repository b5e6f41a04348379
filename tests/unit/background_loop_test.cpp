// BackgroundLoop (common/background_loop.hpp): runs at start and then every interval, runs at
// once when woken (also when woken during a step), stops promptly (in a wait and during a
// step), survives a throwing step, and honours what a step asks for next.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "common/background_loop.hpp"

namespace admit {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Waits up to 10 s for `done`.
template <class F>
bool eventually(F done) {
  for (int i = 0; i < 1000 && !done(); ++i) std::this_thread::sleep_for(10ms);
  return done();
}

TEST(BackgroundLoop, RunsAtStartThenEveryInterval) {
  std::atomic<int> runs{0};
  BackgroundLoop loop("test", 20ms, BackgroundLoop::each([&] { ++runs; }));
  loop.start();
  loop.start();  // idempotent: still one thread
  EXPECT_TRUE(loop.running());
  EXPECT_TRUE(eventually([&] { return runs.load() >= 3; }));
  loop.stop();
  EXPECT_FALSE(loop.running());
  const int after_stop = runs.load();
  std::this_thread::sleep_for(60ms);
  EXPECT_EQ(runs.load(), after_stop) << "no run after stop()";
  loop.stop();  // idempotent
}

TEST(BackgroundLoop, TheIntervalSpacesTheRuns) {
  std::atomic<int> runs{0};
  BackgroundLoop loop("spaced", 200ms, BackgroundLoop::each([&] { ++runs; }));
  const auto begin = Clock::now();
  loop.start();
  ASSERT_TRUE(eventually([&] { return runs.load() >= 3; }));
  // Three runs: at start, after one interval, after two.
  EXPECT_GE(Clock::now() - begin, 400ms);
  loop.stop();
}

TEST(BackgroundLoop, WithoutRunAtStartTheFirstRunWaitsOneInterval) {
  std::atomic<int> runs{0};
  BackgroundLoop loop("late", 1h, BackgroundLoop::each([&] { ++runs; }), false);
  loop.start();
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(runs.load(), 0);
  loop.wake();  // but a wake runs it at once
  EXPECT_TRUE(eventually([&] { return runs.load() == 1; }));
  loop.stop();
}

TEST(BackgroundLoop, WakeRunsAStepAtOnce) {
  std::atomic<int> runs{0};
  BackgroundLoop loop("woken", 1h, BackgroundLoop::each([&] { ++runs; }));
  loop.start();
  ASSERT_TRUE(eventually([&] { return runs.load() == 1; }));
  loop.wake();
  EXPECT_TRUE(eventually([&] { return runs.load() == 2; }));
  loop.wake();
  EXPECT_TRUE(eventually([&] { return runs.load() == 3; }));
  loop.stop();
}

TEST(BackgroundLoop, AWakeDuringAStepIsNotLost) {
  std::mutex mu;
  std::condition_variable cv;
  bool in_step = false, release = false;
  std::atomic<int> runs{0};
  BackgroundLoop loop("busy", 1h, BackgroundLoop::each([&] {
                        if (++runs != 1) return;
                        std::unique_lock lock(mu);
                        in_step = true;
                        cv.notify_all();
                        cv.wait(lock, [&] { return release; });
                      }));
  loop.start();
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return in_step; });
  }
  loop.wake();  // lands while the first step runs
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  EXPECT_TRUE(eventually([&] { return runs.load() == 2; })) << "the wake ran a second step";
  loop.stop();
}

TEST(BackgroundLoop, StopDoesNotWaitForTheInterval) {
  std::atomic<int> runs{0};
  BackgroundLoop loop("hourly", 1h, BackgroundLoop::each([&] { ++runs; }));
  loop.start();
  ASSERT_TRUE(eventually([&] { return runs.load() == 1; })) << "the first run is at start";
  const auto begin = Clock::now();
  loop.stop();
  EXPECT_LT(Clock::now() - begin, 1s);
  EXPECT_EQ(runs.load(), 1);
}

TEST(BackgroundLoop, StopDuringAStepWaitsForItThenEnds) {
  std::atomic<bool> started{false}, finished{false};
  std::atomic<int> runs{0};
  BackgroundLoop* self = nullptr;
  BackgroundLoop loop("long", 1ms, [&] {
    ++runs;
    started = true;
    // A long step that polls stopping() to end early.
    while (!self->stopping()) std::this_thread::sleep_for(1ms);
    std::this_thread::sleep_for(20ms);
    finished = true;
    return BackgroundLoop::Next::now();
  });
  self = &loop;
  loop.start();
  ASSERT_TRUE(eventually([&] { return started.load(); }));
  const auto begin = Clock::now();
  loop.stop();
  EXPECT_TRUE(finished.load()) << "stop() returned only after the step in progress";
  EXPECT_LT(Clock::now() - begin, 1s);
  EXPECT_EQ(runs.load(), 1) << "no step after stop(), though the step asked to run again now";
}

TEST(BackgroundLoop, AThrowingStepIsLoggedAndTheNextOneStillHappens) {
  std::atomic<int> runs{0};
  BackgroundLoop loop("flaky", 10ms, BackgroundLoop::each([&] {
                        if (++runs == 1) throw std::runtime_error("database unreachable");
                        if (runs == 2) throw 42;  // not even an exception class
                      }));
  loop.start();
  EXPECT_TRUE(eventually([&] { return runs.load() >= 3; }));
  EXPECT_TRUE(loop.running());
}

TEST(BackgroundLoop, TheStepChoosesWhenItRunsNext) {
  std::atomic<int> runs{0};
  Clock::time_point third;
  BackgroundLoop loop("chooser", 1h, [&] {
    const int n = ++runs;
    if (n == 1) return BackgroundLoop::Next::now();         // more work: at once
    if (n == 2) return BackgroundLoop::Next::after(100ms);  // a deadline of its own
    if (n == 3) third = Clock::now();
    return BackgroundLoop::Next::idle();                    // only when woken
  });
  const auto begin = Clock::now();
  loop.start();
  ASSERT_TRUE(eventually([&] { return runs.load() == 3; }));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(runs.load(), 3) << "idle waits for a wake";
  EXPECT_GE(third - begin, 100ms);
  EXPECT_LT(third - begin, 1h);
  loop.wake();
  EXPECT_TRUE(eventually([&] { return runs.load() == 4; }));
  loop.stop();
}

TEST(BackgroundLoop, AZeroIntervalRunsOnlyWhenWoken) {
  std::atomic<int> runs{0};
  BackgroundLoop loop("on-demand", 0ms, BackgroundLoop::each([&] { ++runs; }));
  loop.start();
  ASSERT_TRUE(eventually([&] { return runs.load() == 1; }));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(runs.load(), 1);
  loop.wake();
  EXPECT_TRUE(eventually([&] { return runs.load() == 2; }));
}

TEST(BackgroundLoop, CanBeStartedAgainAfterStop) {
  std::atomic<int> runs{0};
  BackgroundLoop loop("again", 1h, BackgroundLoop::each([&] { ++runs; }));
  loop.start();
  ASSERT_TRUE(eventually([&] { return runs.load() == 1; }));
  loop.stop();
  loop.start();
  EXPECT_TRUE(eventually([&] { return runs.load() == 2; }));
}

TEST(BackgroundLoop, TheDestructorStopsIt) {
  std::atomic<int> runs{0};
  {
    BackgroundLoop loop("scoped", 10ms, BackgroundLoop::each([&] { ++runs; }));
    loop.start();
    ASSERT_TRUE(eventually([&] { return runs.load() >= 1; }));
  }
  const int after = runs.load();
  std::this_thread::sleep_for(40ms);
  EXPECT_EQ(runs.load(), after);
}

}  // namespace
}  // namespace admit
