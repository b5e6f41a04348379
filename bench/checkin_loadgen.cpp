// admit_checkin_loadgen: door scans as fast as the server answers (plain POSIX sockets +
// epoll, one thread). N keep-alive connections share one list of distinct ticket codes;
// each connection sends POST /api/v1/events/{id}/checkins {"qr": next code, "gate": ...}
// with the door token until every code was scanned once. Prints scans/s, latency
// percentiles and how many answers were `ok` (every one should be: each code is scanned
// once), then one machine line "RESULT key=value ...".
//
//   admit_checkin_loadgen --port 8080 --connections 256 --token FILE --event ID --codes FILE
//                         [--timeout 120] [--host 127.0.0.1]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  int port = 8080;
  int connections = 256;
  std::string token_file;
  std::string event;
  std::string codes_file;
  double timeout = 180;
};

struct Conn {
  int fd = -1;
  std::string out;
  std::size_t sent = 0;
  std::string in;
  Clock::time_point started;
  bool busy = false;
};

[[noreturn]] void die(const std::string& what) {
  std::cerr << "admit_checkin_loadgen: " << what << (errno ? std::string(": ") + std::strerror(errno) : "") << "\n";
  std::exit(1);
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream f(path);
  if (!f) die("cannot read " + path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(f, l);)
    if (!l.empty()) lines.push_back(l);
  return lines;
}

int connect_to(const Options& o) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(o.port));
  if (::inet_pton(AF_INET, o.host.c_str(), &addr.sin_addr) != 1) die("bad --host " + o.host);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 && errno != EINPROGRESS)
    die("connect");
  return fd;
}

// A complete response in `in`: its length (0: more bytes needed), status and body.
std::size_t complete_response(const std::string& in, int& status, std::string_view& body) {
  const auto end = in.find("\r\n\r\n");
  if (end == std::string::npos) return 0;
  status = std::atoi(in.c_str() + 9);
  std::size_t length = 0;
  std::size_t pos = in.find("\r\n") + 2;
  while (pos < end) {
    std::size_t eol = in.find("\r\n", pos);
    std::string_view line(in.data() + pos, eol - pos);
    if (line.size() > 15 && strncasecmp(line.data(), "content-length:", 15) == 0)
      length = std::strtoul(std::string(line.substr(15)).c_str(), nullptr, 10);
    pos = eol + 2;
  }
  const std::size_t total = end + 4 + length;
  if (in.size() < total) return 0;
  body = std::string_view(in.data() + end + 4, length);
  return total;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::size_t k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--host") o.host = v;
    else if (k == "--port") o.port = std::atoi(v.c_str());
    else if (k == "--connections") o.connections = std::atoi(v.c_str());
    else if (k == "--token") o.token_file = v;
    else if (k == "--event") o.event = v;
    else if (k == "--codes") o.codes_file = v;
    else if (k == "--timeout") o.timeout = std::atof(v.c_str());
    else die("unknown option " + k);
  }
  if (o.token_file.empty() || o.event.empty() || o.codes_file.empty())
    die("usage: admit_checkin_loadgen --port P --connections N --token FILE --event ID --codes FILE");
  const std::string token = read_lines(o.token_file).at(0);
  const auto codes = read_lines(o.codes_file);
  if (codes.empty()) die("no codes");

  int ep = ::epoll_create1(EPOLL_CLOEXEC);
  std::vector<Conn> conns(static_cast<std::size_t>(o.connections));
  for (int i = 0; i < o.connections; ++i) {
    Conn& c = conns[static_cast<std::size_t>(i)];
    c.fd = connect_to(o);
    epoll_event e{};
    e.events = EPOLLIN | EPOLLOUT | EPOLLET;
    e.data.u32 = static_cast<std::uint32_t>(i);
    if (::epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &e) < 0) die("epoll_ctl");
  }
  std::size_t next = 0, answered = 0;
  long ok = 0, other_result = 0;
  std::map<int, long> statuses;
  std::vector<double> latency_ms;
  latency_ms.reserve(codes.size());

  auto send_some = [&](Conn& c) {
    while (c.sent < c.out.size()) {
      ssize_t n = ::send(c.fd, c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN) return;
        die("send");
      }
      c.sent += static_cast<std::size_t>(n);
    }
  };
  auto start_request = [&](int i) {
    Conn& c = conns[static_cast<std::size_t>(i)];
    if (next >= codes.size()) {
      c.busy = false;
      return;
    }
    const std::string body = "{\"qr\":\"" + codes[next++] + "\",\"gate\":\"Gate " + std::to_string(i % 8) + "\"}";
    c.out = "POST /api/v1/events/" + o.event + "/checkins HTTP/1.1\r\nHost: " + o.host +
            "\r\nAuthorization: Bearer " + token + "\r\nContent-Type: application/json\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\n\r\n" + body;
    c.sent = 0;
    c.started = Clock::now();
    c.busy = true;
    send_some(c);
  };
  const auto start = Clock::now();
  for (int i = 0; i < o.connections; ++i) start_request(i);

  std::vector<epoll_event> ready(1024);
  char buf[65536];
  while (answered < codes.size()) {
    if (std::chrono::duration<double>(Clock::now() - start).count() > o.timeout) {
      std::cerr << "admit_checkin_loadgen: timeout after " << o.timeout << " s\n";
      break;
    }
    int n = ::epoll_wait(ep, ready.data(), static_cast<int>(ready.size()), 100);
    if (n < 0) {
      if (errno == EINTR) continue;
      die("epoll_wait");
    }
    for (int k = 0; k < n; ++k) {
      const int i = static_cast<int>(ready[static_cast<std::size_t>(k)].data.u32);
      Conn& c = conns[static_cast<std::size_t>(i)];
      if (ready[static_cast<std::size_t>(k)].events & EPOLLOUT) send_some(c);
      if (!(ready[static_cast<std::size_t>(k)].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) continue;
      for (;;) {
        ssize_t r = ::recv(c.fd, buf, sizeof buf, 0);
        if (r > 0) {
          c.in.append(buf, static_cast<std::size_t>(r));
          continue;
        }
        if (r == 0) die("server closed a connection");
        if (errno == EAGAIN) break;
        die("recv");
      }
      int status = 0;
      std::string_view body;
      while (std::size_t len = complete_response(c.in, status, body)) {
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - c.started).count();
        ++statuses[status];
        if (status == 200 && body.find("\"result\":\"ok\"") != std::string_view::npos) ++ok;
        else ++other_result;
        latency_ms.push_back(ms);
        c.in.erase(0, len);
        ++answered;
        start_request(i);
      }
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double rate = static_cast<double>(answered) / seconds;
  const double p50 = percentile(latency_ms, 0.50), p99 = percentile(latency_ms, 0.99);
  std::printf("scanned %zu distinct tickets in %.2f s: %.0f scans/s, p50 %.1f ms, p99 %.1f ms; ok %ld, other %ld\n",
              answered, seconds, rate, p50, p99, ok, other_result);
  for (const auto& [status, count] : statuses) std::printf("  HTTP %d: %ld\n", status, count);
  std::printf("RESULT scans=%zu scans_per_s=%.0f p50_ms=%.2f p99_ms=%.2f ok=%ld other=%ld\n", answered, rate, p50,
              p99, ok, other_result);
  return answered == codes.size() && other_result == 0 ? 0 : 1;
}
