// admit_checkin_loadgen: door scans as fast as the server answers (plain POSIX sockets +
// epoll, one thread). N keep-alive connections share one list of distinct ticket codes;
// each connection sends POST /api/v1/events/{id}/checkins {"qr": next code, "gate": ...}
// with the door token until every code was scanned once. Prints scans/s, latency
// percentiles and how many answers were `ok` (every one should be: each code is scanned
// once), then one machine line "RESULT key=value ...".
//
//   admit_checkin_loadgen --port 8080 --connections 256 --token FILE --event ID --codes FILE
//                         [--timeout 120] [--host 127.0.0.1]
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "client_loop.hpp"

namespace {

struct Options {
  bench::Target target;
  std::string token_file;
  std::string event;
  std::string codes_file;
  double timeout = 180;
};

}  // namespace

int main(int argc, char** argv) {
  bench::set_program("admit_checkin_loadgen");
  Options o;
  bench::read_options(argc, argv, 1, o.target, [&](const std::string& k, const std::string& v) {
    if (k == "--token") o.token_file = v;
    else if (k == "--event") o.event = v;
    else if (k == "--codes") o.codes_file = v;
    else if (k == "--timeout") o.timeout = std::atof(v.c_str());
    else return false;
    return true;
  });
  if (o.token_file.empty() || o.event.empty() || o.codes_file.empty())
    bench::die("usage: admit_checkin_loadgen --port P --connections N --token FILE --event ID --codes FILE");
  const std::string token = bench::read_lines(o.token_file).at(0);
  const auto codes = bench::read_lines(o.codes_file);
  if (codes.empty()) bench::die("no codes");

  bench::ClientLoop loop(o.target);
  std::size_t next = 0, answered = 0;
  long ok = 0, other_result = 0;
  std::map<int, long> statuses;
  std::vector<double> latency_ms;
  latency_ms.reserve(codes.size());
  // The next code not yet scanned, from the connection's gate; none left: the connection rests.
  auto scan = [&](std::size_t i, std::string& out) {
    if (next >= codes.size()) return false;
    const std::string body = "{\"qr\":\"" + codes[next++] + "\",\"gate\":\"Gate " + std::to_string(i % 8) + "\"}";
    out = "POST /api/v1/events/" + o.event + "/checkins HTTP/1.1\r\nHost: " + o.target.host + "\r\nAuthorization: Bearer " +
          token + "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
          "\r\n\r\n" + body;
    return true;
  };
  auto count = [&](const bench::ClientLoop::Answer& a) {
    ++statuses[a.status];
    if (a.status == 200 && a.body.find("\"result\":\"ok\"") != std::string_view::npos) ++ok;
    else ++other_result;
    latency_ms.push_back(a.latency_ms);
    ++answered;
  };
  const auto start = bench::Clock::now();
  loop.run(scan, count, [&] {
    if (answered >= codes.size()) return true;
    if (bench::seconds_since(start) <= o.timeout) return false;
    std::cerr << "admit_checkin_loadgen: timeout after " << o.timeout << " s\n";
    return true;
  });
  const double seconds = bench::seconds_since(start);
  const double rate = static_cast<double>(answered) / seconds;
  const double p50 = bench::percentile(latency_ms, 0.50), p99 = bench::percentile(latency_ms, 0.99);
  std::printf("scanned %zu distinct tickets in %.2f s: %.0f scans/s, p50 %.1f ms, p99 %.1f ms; ok %ld, other %ld\n",
              answered, seconds, rate, p50, p99, ok, other_result);
  for (const auto& [status, n] : statuses) std::printf("  HTTP %d: %ld\n", status, n);
  std::printf("RESULT scans=%zu scans_per_s=%.0f p50_ms=%.2f p99_ms=%.2f ok=%ld other=%ld\n", answered, rate, p50,
              p99, ok, other_result);
  return answered == codes.size() && other_result == 0 ? 0 : 1;
}
