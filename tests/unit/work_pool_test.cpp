#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "common/work_pool.hpp"

namespace admit {
namespace {

TEST(WorkPool, RunsTasksOnItsThreads) {
  WorkPool pool("test", 2, 16);
  EXPECT_EQ(pool.size(), 2u);
  EXPECT_EQ(pool.capacity(), 16u);
  EXPECT_EQ(pool.name(), "test");
  std::promise<bool> on_pool;
  ASSERT_TRUE(pool.try_post([&] { on_pool.set_value(pool.on_pool_thread()); }));
  EXPECT_TRUE(on_pool.get_future().get());
  EXPECT_FALSE(pool.on_pool_thread());
}

TEST(WorkPool, BoundedQueueRefusesWhenFull) {
  WorkPool pool("bounded", 1, 2);
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(pool.try_post([&, gate] {
    started.set_value();
    gate.wait();
  }));
  started.get_future().wait();  // the only worker is busy now
  std::atomic<int> ran{0};
  EXPECT_TRUE(pool.try_post([&] { ++ran; }));
  EXPECT_TRUE(pool.try_post([&] { ++ran; }));
  EXPECT_EQ(pool.queue_depth(), 2u);
  EXPECT_EQ(pool.busy(), 1u);
  EXPECT_FALSE(pool.try_post([&] { ++ran; }));  // full: the caller answers 503
  release.set_value();
  pool.stop();
  EXPECT_EQ(ran.load(), 2);
  EXPECT_EQ(pool.queue_depth(), 0u);
}

TEST(WorkPool, StopDrainsQueuedTasksAndRefusesNewOnes) {
  WorkPool pool("drain", 2, 1000);
  std::atomic<int> ran{0};
  for (int i = 0; i < 500; ++i)
    ASSERT_TRUE(pool.try_post([&] {
      std::this_thread::sleep_for(std::chrono::microseconds(10));
      ++ran;
    }));
  pool.stop();
  EXPECT_EQ(ran.load(), 500);
  EXPECT_FALSE(pool.try_post([] {}));
  pool.stop();  // idempotent
}

TEST(WorkPool, FifoOrderOnOneThread) {
  WorkPool pool("fifo", 1, 100);
  std::vector<int> order;
  std::mutex m;
  for (int i = 0; i < 50; ++i)
    ASSERT_TRUE(pool.try_post([&, i] {
      std::lock_guard lock(m);
      order.push_back(i);
    }));
  pool.stop();
  ASSERT_EQ(order.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
}

TEST(WorkPool, ThrowingTaskDoesNotKillTheWorker) {
  WorkPool pool("throws", 1, 4);
  ASSERT_TRUE(pool.try_post([] { throw std::runtime_error("task failed on purpose"); }));
  std::promise<int> next;
  ASSERT_TRUE(pool.try_post([&] { next.set_value(7); }));
  EXPECT_EQ(next.get_future().get(), 7);
}

TEST(WorkPool, ConcurrentProducers) {
  WorkPool pool("many", 2, 64);
  std::atomic<int> accepted{0}, ran{0};
  std::vector<std::thread> producers;
  for (int p = 0; p < 4; ++p)
    producers.emplace_back([&] {
      for (int i = 0; i < 2000; ++i)
        if (pool.try_post([&] { ++ran; })) ++accepted;
    });
  for (auto& t : producers) t.join();
  pool.stop();
  EXPECT_EQ(ran.load(), accepted.load());
  EXPECT_GT(accepted.load(), 0);
}

}  // namespace
}  // namespace admit
