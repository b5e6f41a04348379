// The read mode of admit_loadgen (`admit_loadgen get ...`): N keep-alive clients repeat one
// GET for a while, optionally beside M idle keep-alive connections opened first and held
// open throughout (each checked still open at the end), and print requests/s and latency
// percentiles. Used by bench/reads.sh against admit and nginx alike.
//
//   admit_loadgen get --port P --path /api/v1/events [--connections 256] [--duration 10]
//                 [--warmup 1] [--header "If-None-Match: \"x\""] [--idle 0] [--expect 200]
//                 [--host 127.0.0.1]
// Output: human lines, then "RESULT requests_per_s=... p50_ms=... p99_ms=... ...".
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "client_loop.hpp"

namespace {

using bench::Clock;
using bench::die;

struct ReadOptions {
  bench::Target target;
  std::string path = "/";
  std::vector<std::string> headers;
  double duration = 10;
  double warmup = 1;
  int idle = 0;
  int expect = 200;
};

// Every descriptor we may need (idle + active connections), as far as the hard limit allows.
void raise_descriptor_limit(std::size_t wanted) {
  rlimit l{};
  if (::getrlimit(RLIMIT_NOFILE, &l) != 0) return;
  if (l.rlim_cur < wanted) {
    l.rlim_cur = std::min<rlim_t>(l.rlim_max, wanted);
    ::setrlimit(RLIMIT_NOFILE, &l);
  }
}

// Opens `count` keep-alive connections, each answered one request (`request`) and then
// left idle (a browser tab left open). Returns their descriptors.
std::vector<int> open_idle(const ReadOptions& o, int count, const std::string& request) {
  std::vector<int> fds;
  fds.reserve(static_cast<std::size_t>(count));
  std::vector<char> buf(1 << 16);
  for (int i = 0; i < count; ++i) {
    int fd = bench::connect_to(o.target.host, o.target.port, false);
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size()))
      die("send (idle connection)");
    std::string in;
    while (!bench::parse_response(in)) {
      ssize_t r = ::recv(fd, buf.data(), buf.size(), 0);
      if (r <= 0) die("recv (idle connection " + std::to_string(i) + ")");
      in.append(buf.data(), static_cast<std::size_t>(r));
    }
    fds.push_back(fd);
  }
  return fds;
}

// How many idle connections the server still holds open (a peek that would block = open).
int still_open(const std::vector<int>& fds) {
  int open = 0;
  for (int fd : fds) {
    char c;
    ssize_t r = ::recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) ++open;
  }
  return open;
}

ReadOptions parse(int argc, char** argv) {
  ReadOptions o;
  bench::read_options(argc, argv, 2, o.target, [&](const std::string& k, const std::string& v) {
    if (k == "--path") o.path = v;
    else if (k == "--header") o.headers.push_back(v);
    else if (k == "--duration") o.duration = std::atof(v.c_str());
    else if (k == "--warmup") o.warmup = std::atof(v.c_str());
    else if (k == "--idle") o.idle = std::atoi(v.c_str());
    else if (k == "--expect") o.expect = std::atoi(v.c_str());
    else return false;
    return true;
  });
  return o;
}

}  // namespace

int run_reads(int argc, char** argv) {
  bench::set_program("admit_loadgen get");
  const ReadOptions o = parse(argc, argv);
  raise_descriptor_limit(static_cast<std::size_t>(o.idle + o.target.connections + 64));
  std::string request = "GET " + o.path + " HTTP/1.1\r\nHost: " + o.target.host + "\r\n";
  for (const auto& h : o.headers) request += h + "\r\n";
  request += "\r\n";

  const auto idle_began = Clock::now();
  const auto idle = open_idle(o, o.idle, request);
  if (o.idle > 0)
    std::printf("%d idle keep-alive connections opened in %.1f s\n", o.idle, bench::seconds_since(idle_began));
  bench::ClientLoop loop(o.target);
  const auto began = Clock::now();
  const auto measure_from = began + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.warmup));
  const auto until = measure_from + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.duration));
  std::vector<double> latency_ms;
  latency_ms.reserve(1 << 22);
  long answered = 0, unexpected = 0;
  std::size_t bytes = 0;
  loop.run([&](std::size_t, std::string& out) { out = request; return true; },
           [&](const bench::ClientLoop::Answer& a) {
             if (a.at < measure_from) return;
             ++answered;
             bytes += a.bytes;
             latency_ms.push_back(a.latency_ms);
             if (a.status != o.expect && ++unexpected <= 3) std::cerr << "unexpected status " << a.status << "\n";
           },
           [&] { return Clock::now() >= until; }, 50);
  const double seconds = bench::seconds_since(measure_from);
  const int idle_open = still_open(idle);
  const double rate = static_cast<double>(answered) / seconds;
  const double p50 = bench::percentile(latency_ms, 0.50), p99 = bench::percentile(latency_ms, 0.99);
  std::printf("GET %s: %ld answers in %.2f s = %.0f/s (%.1f MB/s); latency p50 %.2f ms, p99 %.2f ms; "
              "unexpected %ld; idle %d/%d still open\n",
              o.path.c_str(), answered, seconds, rate, static_cast<double>(bytes) / seconds / 1e6, p50, p99,
              unexpected, idle_open, o.idle);
  std::printf("RESULT requests_per_s=%.0f p50_ms=%.2f p99_ms=%.2f unexpected=%ld idle=%d idle_open=%d "
              "bytes_per_answer=%.0f answers=%ld\n",
              rate, p50, p99, unexpected, o.idle, idle_open,
              answered ? static_cast<double>(bytes) / static_cast<double>(answered) : 0.0, answered);
  for (int fd : idle) ::close(fd);
  return unexpected == 0 && idle_open == o.idle ? 0 : 1;
}
