#include "http/exchange.hpp"

#include <algorithm>

#include "common/log.hpp"

namespace admit::http {

Exchange::~Exchange() {
  if (completion) {
    log::error("handler dropped its response", {{"request_id", request.request_id}, {"route", route}});
    answer(Response::problem(Error::internal(), request.request_id));
  }
}

void Exchange::answer(Response response) {
  std::unique_ptr<Completion> done;
  {
    std::lock_guard lock(mutex);
    if (!completion) {
      log::warn("request answered twice; later answer ignored",
                {{"request_id", request.request_id}, {"route", route}});
      return;
    }
    done = std::move(completion);
    done->route = std::move(route);
  }
  done->response = std::move(response);
  HandoffBatch::post(target, std::move(done));
}

void run_exchange(Dispatcher& dispatcher, WorkPool& pool, const std::shared_ptr<Exchange>& exchange) {
  Respond respond = [exchange](Response r) { exchange->answer(std::move(r)); };
  RouteMatch match;
  if (dispatcher.dispatch_inline(exchange->request, exchange->route, respond, match)) {
    // Freed here rather than on whichever thread drops the exchange last (a writer).
    exchange->request.release_payload();
    return;
  }
  // The exchange keeps the server's core, and with it the dispatcher, alive.
  bool posted = pool.try_post(
      [&dispatcher, exchange, respond = std::move(respond), match = std::move(match)]() mutable {
        dispatcher.dispatch(exchange->request, exchange->route, respond, std::move(match));
      });
  if (!posted) {
    exchange->route = "overloaded";
    exchange->answer(Response::problem(Error::unavailable(1, "The server is busy; try again in a moment."),
                                       exchange->request.request_id));
  }
}

std::vector<HandoffTasks> split_by_loop(HandoffTasks tasks, std::size_t loops) {
  std::vector<HandoffTasks> out(std::max<std::size_t>(1, loops));
  for (auto& t : tasks) {
    const std::size_t loop = static_cast<Completion&>(*t).loop;
    out[loop < out.size() ? loop : 0].push_back(std::move(t));
  }
  return out;
}

void record_request(Metrics& metrics, bool access_log, const RequestRecord& r) {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - r.started_at).count();
  metrics.observe_request(r.route, r.method, r.status, seconds);
  if (access_log)
    log::info("request", {{"request_id", r.request_id}, {"method", r.method_name},
                          {"route", r.route}, {"status", r.status},
                          {"duration_ms", seconds * 1000.0}, {"bytes", r.bytes},
                          {"remote", r.remote}});
}

}  // namespace admit::http
