#pragma once
// A request's way back through the server, the parts that need no Beast or Asio (server.cpp
// holds the rest): the exchange that takes exactly one answer, the split of a batch of
// answers over the network loops, the registry of open connections, and the record of a
// finished request (metrics and access log).
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/handoff.hpp"
#include "common/work_pool.hpp"
#include "http/dispatch.hpp"
#include "http/message.hpp"
#include "http/metrics.hpp"
#include "http/wire.hpp"

namespace admit::http {

// The answer and its route on their way to the network threads; server.cpp derives the task
// that resumes the connection's coroutine on its loop.
struct Completion : HandoffTask {
  Response response;
  std::string route;
  std::size_t loop = 0;  // the network loop of the connection (Network::loops)
};

// One request in flight. Only the first answer counts (a second is logged and ignored), and
// an exchange dropped unanswered answers 500. The answer is handed to `target` (the server's
// network threads) through HandoffBatch, so a thread answering many requests at once posts
// them together.
struct Exchange {
  Exchange(std::shared_ptr<HandoffTarget> t, Request r, std::unique_ptr<Completion> done)
      : target(std::move(t)), request(std::move(r)), completion(std::move(done)) {}
  ~Exchange();
  void answer(Response response);

  std::shared_ptr<HandoffTarget> target;  // keeps the server's core alive for the answer
  Request request;
  std::string route;  // written by the dispatcher before any answer
  std::mutex mutex;
  std::unique_ptr<Completion> completion;
};

// Runs the exchange's route: here, on the network thread, when the route never blocks and
// the caller is known without the database (Dispatcher::dispatch_inline); else on the work
// pool; a full pool answers 503 with Retry-After: 1.
void run_exchange(Dispatcher& dispatcher, WorkPool& pool, const std::shared_ptr<Exchange>& exchange);

// Sorts completions (every task must be a Completion) by their loop, keeping their order
// within a loop: one post per loop that has answers. Out-of-range loops go to loop 0.
std::vector<HandoffTasks> split_by_loop(HandoffTasks tasks, std::size_t loops);

// A finished request: counted in the metrics and, when `access_log`, logged as one line.
struct RequestRecord {
  const std::string& request_id;
  Method method;
  std::string_view method_name;
  const std::string& route;
  int status;
  std::chrono::steady_clock::time_point started_at;
  std::size_t bytes;
  const std::string& remote;
};
void record_request(Metrics& metrics, bool access_log, const RequestRecord& r);

// The open connections, for the caps and graceful shutdown. Thread-safe.
template <class Connection>  // with `peer` and `cap_key` strings
class ConnectionRegistry {
 public:
  ConnectionRegistry(std::size_t per_address_cap, std::vector<std::string> exempt)
      : per_address_(per_address_cap, std::move(exempt)) {}

  // Registers the connection unless its address already has its share open.
  bool add(const std::shared_ptr<Connection>& c) {
    std::lock_guard lock(mutex_);
    if (!per_address_.add(c->peer, c->cap_key)) return false;
    open_.emplace(c.get(), c);
    return true;
  }
  void remove(Connection* c) {
    std::lock_guard lock(mutex_);
    if (open_.erase(c) > 0) per_address_.remove(c->cap_key);
    if (open_.empty()) empty_cv_.notify_all();
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return open_.size();
  }
  // Calls f(std::shared_ptr<Connection>) for every connection still alive.
  template <class F>
  void for_each(F f) {
    std::lock_guard lock(mutex_);
    for (auto& [raw, weak] : open_)
      if (auto c = weak.lock()) f(std::move(c));
  }
  // Waits until no connection is open, for at most `grace`; returns how many still are.
  std::size_t wait_until_empty(std::chrono::seconds grace) {
    std::unique_lock lock(mutex_);
    empty_cv_.wait_for(lock, grace, [&] { return open_.empty(); });
    return open_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable empty_cv_;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> open_;
  AddressCounts per_address_;
};

}  // namespace admit::http
