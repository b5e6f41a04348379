#pragma once
// Handing many completions back to an event loop at once.
//
// A thread that finishes many requests together (a registration writer answers a whole
// batch after one commit) would otherwise post each answer to the network threads on its
// own: one lock and, often, one thread wake-up per answer. Under a HandoffBatch, code
// that is about to post a task to a HandoffTarget adds it to the batch instead
// (HandoffBatch::post), and the batch gives each target all of its tasks in one call when
// it closes. Without an open batch on the calling thread, post() hands the task over at
// once, so callers need not know whether they run under one.
//
// The batch is per thread and scoped: open it on the stack around the loop that answers,
// nothing else. Nested batches join the outermost one.
#include <memory>
#include <utility>
#include <vector>

namespace admit {

// One piece of work to hand over (move-only, unlike std::function).
class HandoffTask {
 public:
  virtual ~HandoffTask() = default;
  virtual void run() = 0;
};
using HandoffTasks = std::vector<std::unique_ptr<HandoffTask>>;

// Something that runs tasks elsewhere (an event loop). run_all() receives tasks in the
// order they were added and must run them all, in that order, eventually; it must not
// block for long (it is called on the thread that closes the batch).
class HandoffTarget {
 public:
  virtual ~HandoffTarget() = default;
  virtual void run_all(HandoffTasks tasks) = 0;
};

class HandoffBatch {
 public:
  HandoffBatch();
  ~HandoffBatch();  // hands every collected task to its target
  HandoffBatch(const HandoffBatch&) = delete;
  HandoffBatch& operator=(const HandoffBatch&) = delete;

  // Adds the task to this thread's open batch, or hands it to `target` at once when the
  // thread has none. The batch keeps the target alive until it closes.
  static void post(const std::shared_ptr<HandoffTarget>& target, std::unique_ptr<HandoffTask> task);

 private:
  void flush() noexcept;

  HandoffBatch* outer_;  // the batch that was open when this one opened
  std::vector<std::pair<std::shared_ptr<HandoffTarget>, HandoffTasks>> pending_;
};

}  // namespace admit
