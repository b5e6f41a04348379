#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace admit::http {

// Metrics: a small registry rendered in the Prometheus text format (version 0.0.4).
// - The server calls observe_request() once per answered request; it feeds
//   admit_http_requests_total{route,method,status} and
//   admit_http_request_duration_seconds{route} (buckets 1 ms .. 10 s). `route` must be a
//   pattern or a fixed label ("static", "unmatched"), never a raw path, to bound cardinality.
// - add_gauge()/add_counter() register values read by a callback at render() time (pool
//   use, queue depths, totals kept elsewhere). Callbacks run on the rendering thread and must
//   be thread-safe; one that throws is skipped. Names must match [a-zA-Z_:][a-zA-Z0-9_:]*.
// All members are thread-safe; observe_request() is a map lookup under a mutex.
class Metrics {
 public:
  static constexpr std::array<double, 13> kBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                   0.25,  0.5,    1.0,   2.5,  5.0,   10.0};

  void observe_request(std::string_view route, Method method, int status, double seconds);
  void add_gauge(std::string name, std::string help, std::function<double()> read);
  void add_counter(std::string name, std::string help, std::function<double()> read);

  std::string render() const;

 private:
  struct StatusCount {
    Method method;
    int status;
    std::uint64_t count;
  };
  struct RouteSeries {
    std::array<std::uint64_t, kBuckets.size() + 1> buckets{};  // per bucket, last = +Inf
    std::uint64_t count = 0;
    double sum = 0;
    std::vector<StatusCount> statuses;
  };
  struct Callback {
    std::string name, help;
    bool counter;
    std::function<double()> read;
  };
  void add_callback(std::string name, std::string help, bool counter, std::function<double()> read);

  mutable std::mutex requests_mutex_;
  std::map<std::string, RouteSeries, std::less<>> routes_;
  mutable std::mutex callbacks_mutex_;
  std::vector<Callback> callbacks_;
};

}  // namespace admit::http
