// The read mode of admit_loadgen (`admit_loadgen get ...`): N keep-alive clients repeat one
// GET for a while, optionally beside M idle keep-alive connections opened first and held
// open throughout (each checked still open at the end), and print requests/s and latency
// percentiles. Used by bench/reads.sh against admit and nginx alike.
//
//   admit_loadgen get --port P --path /api/v1/events [--connections 256] [--duration 10]
//                 [--warmup 1] [--header "If-None-Match: \"x\""] [--idle 0] [--expect 200]
//                 [--host 127.0.0.1]
// Output: human lines, then "RESULT requests_per_s=... p50_ms=... p99_ms=... ...".
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct ReadOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  int connections = 256;
  std::string path = "/";
  std::vector<std::string> headers;
  double duration = 10;
  double warmup = 1;
  int idle = 0;
  int expect = 200;
};

struct Client {
  int fd = -1;
  std::size_t sent = 0;
  std::string in;
  Clock::time_point started;
};

[[noreturn]] void fail(const std::string& what) {
  std::cerr << "admit_loadgen get: " << what << (errno ? std::string(": ") + std::strerror(errno) : "") << "\n";
  std::exit(1);
}

int open_connection(const ReadOptions& o, bool nonblocking) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), 0);
  if (fd < 0) fail("socket");
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(o.port));
  if (::inet_pton(AF_INET, o.host.c_str(), &addr.sin_addr) != 1) fail("bad --host " + o.host);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 && errno != EINPROGRESS)
    fail("connect");
  return fd;
}

// Length of the complete response at the start of `in` (0: more bytes needed); its status.
std::size_t response_length(const std::string& in, int& status) {
  const auto end = in.find("\r\n\r\n");
  if (end == std::string::npos) return 0;
  status = std::atoi(in.c_str() + 9);
  std::size_t length = 0;
  for (std::size_t pos = in.find("\r\n") + 2; pos < end;) {
    const std::size_t eol = in.find("\r\n", pos);
    std::string_view line(in.data() + pos, eol - pos);
    if (line.size() > 15 && strncasecmp(line.data(), "content-length:", 15) == 0)
      length = std::strtoul(std::string(line.substr(15)).c_str(), nullptr, 10);
    pos = eol + 2;
  }
  if (status == 304 || status == 204) length = 0;
  const std::size_t total = end + 4 + length;
  return in.size() < total ? 0 : total;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

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
    int fd = open_connection(o, false);
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size()))
      fail("send (idle connection)");
    std::string in;
    int status = 0;
    while (response_length(in, status) == 0) {
      ssize_t r = ::recv(fd, buf.data(), buf.size(), 0);
      if (r <= 0) fail("recv (idle connection " + std::to_string(i) + ")");
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

}  // namespace

int run_reads(int argc, char** argv) {
  ReadOptions o;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--host") o.host = v;
    else if (k == "--port") o.port = std::atoi(v.c_str());
    else if (k == "--connections") o.connections = std::atoi(v.c_str());
    else if (k == "--path") o.path = v;
    else if (k == "--header") o.headers.push_back(v);
    else if (k == "--duration") o.duration = std::atof(v.c_str());
    else if (k == "--warmup") o.warmup = std::atof(v.c_str());
    else if (k == "--idle") o.idle = std::atoi(v.c_str());
    else if (k == "--expect") o.expect = std::atoi(v.c_str());
    else fail("unknown option " + k);
  }
  raise_descriptor_limit(static_cast<std::size_t>(o.idle + o.connections + 64));
  std::string request = "GET " + o.path + " HTTP/1.1\r\nHost: " + o.host + "\r\n";
  for (const auto& h : o.headers) request += h + "\r\n";
  request += "\r\n";

  const auto idle_began = Clock::now();
  const auto idle = open_idle(o, o.idle, request);
  if (o.idle > 0)
    std::printf("%d idle keep-alive connections opened in %.1f s\n", o.idle,
                std::chrono::duration<double>(Clock::now() - idle_began).count());
  int ep = ::epoll_create1(EPOLL_CLOEXEC);
  std::vector<Client> clients(static_cast<std::size_t>(o.connections));
  for (std::size_t i = 0; i < clients.size(); ++i) {
    clients[i].fd = open_connection(o, true);
    epoll_event e{};
    e.events = EPOLLIN | EPOLLOUT | EPOLLET;
    e.data.u32 = static_cast<std::uint32_t>(i);
    if (::epoll_ctl(ep, EPOLL_CTL_ADD, clients[i].fd, &e) < 0) fail("epoll_ctl");
  }
  auto send_some = [&](Client& c) {
    while (c.sent < request.size()) {
      ssize_t n = ::send(c.fd, request.data() + c.sent, request.size() - c.sent, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN) return;
        fail("send");
      }
      c.sent += static_cast<std::size_t>(n);
    }
  };
  auto start = [&](Client& c) {
    c.sent = 0;
    c.started = Clock::now();
    send_some(c);
  };
  for (auto& c : clients) start(c);

  const auto began = Clock::now();
  const auto measure_from = began + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.warmup));
  const auto until = measure_from + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.duration));
  std::vector<double> latency_ms;
  latency_ms.reserve(1 << 22);
  long answered = 0, unexpected = 0;
  std::size_t bytes = 0;
  std::vector<epoll_event> ready(1024);
  std::vector<char> buf(1 << 16);
  for (;;) {
    const auto now = Clock::now();
    if (now >= until) break;
    int n = ::epoll_wait(ep, ready.data(), static_cast<int>(ready.size()), 50);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("epoll_wait");
    }
    for (int k = 0; k < n; ++k) {
      Client& c = clients[ready[static_cast<std::size_t>(k)].data.u32];
      if (ready[static_cast<std::size_t>(k)].events & EPOLLOUT) send_some(c);
      for (;;) {
        ssize_t r = ::recv(c.fd, buf.data(), buf.size(), 0);
        if (r > 0) {
          c.in.append(buf.data(), static_cast<std::size_t>(r));
          continue;
        }
        if (r == 0) fail("server closed a connection");
        if (errno == EAGAIN) break;
        fail("recv");
      }
      int status = 0;
      while (std::size_t len = response_length(c.in, status)) {
        const auto done = Clock::now();
        c.in.erase(0, len);
        if (done >= measure_from) {
          ++answered;
          bytes += len;
          latency_ms.push_back(std::chrono::duration<double, std::milli>(done - c.started).count());
          if (status != o.expect && ++unexpected <= 3) std::cerr << "unexpected status " << status << "\n";
        }
        start(c);
      }
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - measure_from).count();
  const int idle_open = still_open(idle);
  const double rate = static_cast<double>(answered) / seconds;
  const double p50 = percentile(latency_ms, 0.50), p99 = percentile(latency_ms, 0.99);
  std::printf("GET %s: %ld answers in %.2f s = %.0f/s (%.1f MB/s); latency p50 %.2f ms, p99 %.2f ms; "
              "unexpected %ld; idle %d/%d still open\n",
              o.path.c_str(), answered, seconds, rate, static_cast<double>(bytes) / seconds / 1e6, p50, p99,
              unexpected, idle_open, o.idle);
  std::printf("RESULT requests_per_s=%.0f p50_ms=%.2f p99_ms=%.2f unexpected=%ld idle=%d idle_open=%d "
              "bytes_per_answer=%.0f\n",
              rate, p50, p99, unexpected, o.idle, idle_open, answered ? static_cast<double>(bytes) / answered : 0.0);
  for (auto& c : clients) ::close(c.fd);
  for (int fd : idle) ::close(fd);
  return unexpected == 0 && idle_open == o.idle ? 0 : 1;
}
