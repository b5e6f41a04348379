#include "common/handoff.hpp"

#include <exception>

#include "common/log.hpp"

namespace admit {
namespace {

thread_local HandoffBatch* t_open = nullptr;  // the outermost batch open on this thread

}  // namespace

HandoffBatch::HandoffBatch() : outer_(t_open) {
  if (!outer_) t_open = this;
}

HandoffBatch::~HandoffBatch() {
  if (outer_) return;  // nested: the outer batch carries the tasks
  t_open = nullptr;
  flush();
}

void HandoffBatch::post(const std::shared_ptr<HandoffTarget>& target, std::unique_ptr<HandoffTask> task) {
  HandoffBatch* batch = t_open;
  if (!batch) {
    HandoffTasks one;
    one.push_back(std::move(task));
    target->run_all(std::move(one));
    return;
  }
  for (auto& [t, tasks] : batch->pending_) {
    if (t == target) {
      tasks.push_back(std::move(task));
      return;
    }
  }
  batch->pending_.emplace_back(target, HandoffTasks{});
  batch->pending_.back().second.push_back(std::move(task));
}

void HandoffBatch::flush() noexcept {
  for (auto& [target, tasks] : pending_) {
    try {
      target->run_all(std::move(tasks));
    } catch (const std::exception& e) {
      log::error("handing completions back failed", {{"error", e.what()}});
    } catch (...) {
      log::error("handing completions back failed", {{"error", "unknown exception"}});
    }
  }
  pending_.clear();
}

}  // namespace admit
