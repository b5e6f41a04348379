#include "common/handoff.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace admit {
namespace {

// Records every run_all call: how many calls, and the tasks' labels in the order run.
class Recorder final : public HandoffTarget {
 public:
  void run_all(HandoffTasks tasks) override {
    ++calls;
    for (auto& t : tasks) t->run();
  }
  int calls = 0;
  std::vector<std::string> ran;
};

class Labelled final : public HandoffTask {
 public:
  Labelled(Recorder& r, std::string label) : r_(r), label_(std::move(label)) {}
  void run() override { r_.ran.push_back(label_); }

 private:
  Recorder& r_;
  std::string label_;
};

std::unique_ptr<HandoffTask> task(Recorder& r, std::string label) {
  return std::make_unique<Labelled>(r, std::move(label));
}

TEST(HandoffBatch, WithoutABatchEachTaskIsHandedOverAtOnce) {
  auto target = std::make_shared<Recorder>();
  HandoffBatch::post(target, task(*target, "a"));
  EXPECT_EQ(target->calls, 1);
  HandoffBatch::post(target, task(*target, "b"));
  EXPECT_EQ(target->calls, 2);
  EXPECT_EQ(target->ran, (std::vector<std::string>{"a", "b"}));
}

TEST(HandoffBatch, ABatchHandsEachTargetItsTasksInOneCallInOrderWhenItCloses) {
  auto one = std::make_shared<Recorder>();
  auto two = std::make_shared<Recorder>();
  {
    HandoffBatch batch;
    HandoffBatch::post(one, task(*one, "1a"));
    HandoffBatch::post(two, task(*two, "2a"));
    HandoffBatch::post(one, task(*one, "1b"));
    HandoffBatch::post(one, task(*one, "1c"));
    EXPECT_EQ(one->calls, 0);  // nothing leaves before the batch closes
    EXPECT_EQ(two->calls, 0);
  }
  EXPECT_EQ(one->calls, 1);
  EXPECT_EQ(two->calls, 1);
  EXPECT_EQ(one->ran, (std::vector<std::string>{"1a", "1b", "1c"}));
  EXPECT_EQ(two->ran, (std::vector<std::string>{"2a"}));
}

TEST(HandoffBatch, NestedBatchesJoinTheOutermost) {
  auto target = std::make_shared<Recorder>();
  {
    HandoffBatch outer;
    {
      HandoffBatch inner;
      HandoffBatch::post(target, task(*target, "x"));
    }
    EXPECT_EQ(target->calls, 0);
    HandoffBatch::post(target, task(*target, "y"));
  }
  EXPECT_EQ(target->calls, 1);
  EXPECT_EQ(target->ran, (std::vector<std::string>{"x", "y"}));
  // Closed: back to handing over at once.
  HandoffBatch::post(target, task(*target, "z"));
  EXPECT_EQ(target->calls, 2);
}

TEST(HandoffBatch, TheBatchKeepsItsTargetsAlive) {
  std::weak_ptr<Recorder> watch;
  {
    HandoffBatch batch;
    auto target = std::make_shared<Recorder>();
    watch = target;
    HandoffBatch::post(target, task(*target, "kept"));
    target.reset();
    EXPECT_FALSE(watch.expired());
  }
  EXPECT_TRUE(watch.expired());  // released once the batch handed its tasks over
}

}  // namespace
}  // namespace admit
