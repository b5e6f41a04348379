// admit_loadgen: a flash-sale load generator of our own (plain POSIX sockets + epoll, one
// thread, no Beast). It keeps N keep-alive connections busy with
// POST /api/v1/events/{id}/registrations (each request a fresh Idempotency-Key, one ticket
// of the event's first ticket type), spreading connections over the events and tokens
// given, until every seat is sold and then for --after seconds more. It prints the sale
// phase (confirmed/s, latency percentiles) and the sold-out phase (sold-out answers/s).
//
//   admit_loadgen --port 8080 --connections 256 --tokens FILE --events FILE
//                 --seats N [--after 2] [--timeout 120] [--host 127.0.0.1]
// tokens FILE: one bearer token a line. events FILE: "<event id> <ticket type id>" a line.
// Output: human lines, then one machine line "RESULT key=value ...".
//
//   admit_loadgen --port 8081 --connections 256 --get /small.txt --duration 5
// The ceiling: the same connections sending GET PATH back to back for --duration
// seconds (a small static file served by nginx); prints "CEILING answers_per_s=... ...".
// `admit_loadgen get ...` (first argument): the read benchmark's mode, with latency
// percentiles and idle connections held open (read_load.cpp, bench/reads.sh).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
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
  std::string tokens_file;
  std::string events_file;
  long seats = 0;       // total seats over all events
  double after = 2.0;   // seconds of sold-out traffic after the last seat
  double timeout = 180; // give up after this many seconds
  std::string get_path; // ceiling mode: GET this path
  double duration = 5;  // ceiling mode: seconds
};

struct Conn {
  int fd = -1;
  std::string out;
  std::size_t sent = 0;
  std::string in;
  Clock::time_point started;
  std::string token;
  std::size_t event = 0;
  long counter = 0;
  bool busy = false;
};

[[noreturn]] void die(const std::string& what) {
  std::cerr << "admit_loadgen: " << what << (errno ? std::string(": ") + std::strerror(errno) : "") << "\n";
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

void build_request(Conn& c, const std::pair<std::string, std::string>& event, const std::string& run_id,
                   int index, const Options& o) {
  const std::string body = "{\"items\":[{\"ticket_type_id\":\"" + event.second + "\",\"quantity\":1}]}";
  c.out = "POST /api/v1/events/" + event.first + "/registrations HTTP/1.1\r\nHost: " + o.host +
          "\r\nAuthorization: Bearer " + c.token + "\r\nIdempotency-Key: " + run_id + "-" +
          std::to_string(index) + "-" + std::to_string(++c.counter) +
          "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
          "\r\n\r\n" + body;
  c.sent = 0;
}

// A complete response in `in`: returns its length, or 0 when more bytes are needed.
std::size_t complete_response(const std::string& in, int& status, bool& sold_out) {
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
  sold_out = status == 409 && in.find("\"sold_out\"", end) != std::string::npos;
  return total;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::size_t k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

// Ceiling mode: GET o.get_path on every connection, back to back, for o.duration seconds.
int run_ceiling(const Options& o) {
  const std::string request = "GET " + o.get_path + " HTTP/1.1\r\nHost: " + o.host + "\r\n\r\n";
  int ep = ::epoll_create1(EPOLL_CLOEXEC);
  std::vector<Conn> conns(static_cast<std::size_t>(o.connections));
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
  auto start_request = [&](Conn& c) {
    c.out = request;
    c.sent = 0;
    c.started = Clock::now();
    send_some(c);
  };
  for (int i = 0; i < o.connections; ++i) {
    Conn& c = conns[static_cast<std::size_t>(i)];
    c.fd = connect_to(o);
    epoll_event e{};
    e.events = EPOLLIN | EPOLLOUT | EPOLLET;
    e.data.u32 = static_cast<std::uint32_t>(i);
    if (::epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &e) < 0) die("epoll_ctl");
    start_request(c);
  }
  long ok = 0, other = 0;
  std::vector<double> latency_ms;
  latency_ms.reserve(1 << 20);
  std::vector<epoll_event> ready(1024);
  char buf[65536];
  const auto start = Clock::now();
  for (;;) {
    if (std::chrono::duration<double>(Clock::now() - start).count() >= o.duration) break;
    int n = ::epoll_wait(ep, ready.data(), static_cast<int>(ready.size()), 100);
    if (n < 0) {
      if (errno == EINTR) continue;
      die("epoll_wait");
    }
    for (int k = 0; k < n; ++k) {
      const auto& ev = ready[static_cast<std::size_t>(k)];
      Conn& c = conns[ev.data.u32];
      if (ev.events & EPOLLOUT) send_some(c);
      if (!(ev.events & (EPOLLIN | EPOLLHUP | EPOLLERR))) continue;
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
      bool unused = false;
      while (std::size_t len = complete_response(c.in, status, unused)) {
        c.in.erase(0, len);
        if (status == 200) {
          ++ok;
          latency_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - c.started).count());
        } else {
          ++other;
        }
        start_request(c);
      }
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double p50 = percentile(latency_ms, 0.50), p99 = percentile(latency_ms, 0.99);
  std::printf("ceiling: %ld answers in %.2f s = %.0f/s; latency p50 %.2f ms, p99 %.2f ms\n", ok,
              seconds, static_cast<double>(ok) / seconds, p50, p99);
  std::printf("CEILING answers=%ld answers_per_s=%.0f p50_ms=%.2f p99_ms=%.2f other=%ld\n", ok,
              static_cast<double>(ok) / seconds, p50, p99, other);
  for (auto& c : conns) ::close(c.fd);
  return other == 0 && ok > 0 ? 0 : 1;
}

}  // namespace

int run_reads(int argc, char** argv);  // read_load.cpp: `admit_loadgen get ...`

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "get") return run_reads(argc, argv);
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--host") o.host = v;
    else if (k == "--port") o.port = std::atoi(v.c_str());
    else if (k == "--connections") o.connections = std::atoi(v.c_str());
    else if (k == "--tokens") o.tokens_file = v;
    else if (k == "--events") o.events_file = v;
    else if (k == "--seats") o.seats = std::atol(v.c_str());
    else if (k == "--after") o.after = std::atof(v.c_str());
    else if (k == "--timeout") o.timeout = std::atof(v.c_str());
    else if (k == "--get") o.get_path = v;
    else if (k == "--duration") o.duration = std::atof(v.c_str());
    else die("unknown option " + k);
  }
  if (!o.get_path.empty()) return run_ceiling(o);
  if (o.tokens_file.empty() || o.events_file.empty() || o.seats <= 0)
    die("usage: admit_loadgen --port P --connections N --tokens FILE --events FILE --seats N");
  const auto tokens = read_lines(o.tokens_file);
  std::vector<std::pair<std::string, std::string>> events;
  for (const auto& l : read_lines(o.events_file)) {
    auto sp = l.find(' ');
    if (sp == std::string::npos) die("bad events line: " + l);
    events.emplace_back(l.substr(0, sp), l.substr(sp + 1));
  }
  if (tokens.empty() || events.empty()) die("no tokens or no events");

  const std::string run_id = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  int ep = ::epoll_create1(EPOLL_CLOEXEC);
  std::vector<Conn> conns(static_cast<std::size_t>(o.connections));
  for (int i = 0; i < o.connections; ++i) {
    Conn& c = conns[static_cast<std::size_t>(i)];
    c.token = tokens[static_cast<std::size_t>(i) % tokens.size()];
    c.event = static_cast<std::size_t>(i) % events.size();
    c.fd = connect_to(o);
    epoll_event e{};
    e.events = EPOLLIN | EPOLLOUT | EPOLLET;
    e.data.u32 = static_cast<std::uint32_t>(i);
    if (::epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &e) < 0) die("epoll_ctl");
  }

  long confirmed = 0, sold_out = 0, other = 0, unavailable = 0;
  std::map<int, long> statuses;
  std::vector<double> sale_latency_ms, soldout_latency_ms;
  sale_latency_ms.reserve(1 << 20);
  const auto start = Clock::now();
  Clock::time_point last_confirmed = start;
  bool all_sold = false;
  Clock::time_point sold_at{};
  long sold_out_after = 0;
  // A client whose event sold out moves on to one that has seats (as people do).
  std::vector<bool> event_full(events.size(), false);

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
    build_request(c, events[c.event], run_id, i, o);
    c.started = Clock::now();
    c.busy = true;
    send_some(c);
  };
  for (int i = 0; i < o.connections; ++i) start_request(i);

  std::vector<epoll_event> ready(1024);
  char buf[65536];
  for (;;) {
    const auto now = Clock::now();
    const double elapsed = std::chrono::duration<double>(now - start).count();
    if (elapsed > o.timeout) {
      std::cerr << "admit_loadgen: timeout after " << o.timeout << " s (not every seat sold)\n";
      break;
    }
    if (all_sold && std::chrono::duration<double>(now - sold_at).count() >= o.after) break;
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
      bool is_sold_out = false;
      while (std::size_t len = complete_response(c.in, status, is_sold_out)) {
        c.in.erase(0, len);
        const auto done = Clock::now();
        const double ms = std::chrono::duration<double, std::milli>(done - c.started).count();
        ++statuses[status];
        if (status == 201) {
          ++confirmed;
          last_confirmed = done;
          sale_latency_ms.push_back(ms);
        } else if (is_sold_out) {
          ++sold_out;
          event_full[c.event] = true;
          for (std::size_t step = 1; step <= events.size(); ++step) {
            const std::size_t next = (c.event + step) % events.size();
            if (!event_full[next]) {
              c.event = next;
              break;
            }
          }
          if (all_sold) {
            ++sold_out_after;
            soldout_latency_ms.push_back(ms);
          } else {
            sale_latency_ms.push_back(ms);
          }
        } else if (status == 503) {
          ++unavailable;
        } else {
          ++other;
          if (other <= 3) std::cerr << "unexpected answer: " << status << "\n";
        }
        if (!all_sold && confirmed >= o.seats) {
          all_sold = true;
          sold_at = done;
        }
        c.busy = false;
        start_request(i);
      }
    }
  }
  const double sale_s = std::max(1e-9, std::chrono::duration<double>(last_confirmed - start).count());
  const double after_s = all_sold ? std::max(1e-9, std::chrono::duration<double>(Clock::now() - sold_at).count()) : 0;
  const double rate = static_cast<double>(confirmed) / sale_s;
  const double so_rate = after_s > 0 ? static_cast<double>(sold_out_after) / after_s : 0;
  const double p50 = percentile(sale_latency_ms, 0.50), p99 = percentile(sale_latency_ms, 0.99);
  const double so_p50 = percentile(soldout_latency_ms, 0.50), so_p99 = percentile(soldout_latency_ms, 0.99);
  std::printf("sale:     %ld confirmed in %.2f s = %.0f confirmed/s; latency p50 %.2f ms, p99 %.2f ms\n",
              confirmed, sale_s, rate, p50, p99);
  std::printf("sold out: %ld sold_out answers in %.2f s after the last seat = %.0f/s; latency p50 %.2f ms, p99 %.2f ms\n",
              sold_out_after, after_s, so_rate, so_p50, so_p99);
  std::printf("answers:");
  for (const auto& [s, count] : statuses) std::printf(" %d=%ld", s, count);
  std::printf(" (503 unavailable %ld, other %ld)\n", unavailable, other);
  long answers = 0;
  for (const auto& [s, count] : statuses) answers += count;
  std::printf("RESULT confirmed=%ld sale_seconds=%.3f confirmed_per_s=%.0f p50_ms=%.2f p99_ms=%.2f "
              "sold_out_per_s=%.0f sold_out_p99_ms=%.2f unavailable=%ld other=%ld all_sold=%d answers=%ld\n",
              confirmed, sale_s, rate, p50, p99, so_rate, so_p99, unavailable, other, all_sold ? 1 : 0,
              answers);
  for (auto& c : conns) ::close(c.fd);
  return all_sold && other == 0 ? 0 : 1;
}
