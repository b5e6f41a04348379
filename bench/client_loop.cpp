#include "client_loop.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>

namespace bench {

namespace {
std::string& program() {
  static std::string name = "bench";
  return name;
}
}  // namespace

void set_program(std::string name) { program() = std::move(name); }

void die(const std::string& what) {
  std::cerr << program() << ": " << what << (errno ? std::string(": ") + std::strerror(errno) : "") << "\n";
  std::exit(1);
}

void read_options(int argc, char** argv, int first, Target& target, const OptionReader& option) {
  for (int i = first; i + 1 < argc; i += 2) {
    const std::string name = argv[i], value = argv[i + 1];
    if (name == "--host") target.host = value;
    else if (name == "--port") target.port = std::atoi(value.c_str());
    else if (name == "--connections") target.connections = std::atoi(value.c_str());
    else if (!option(name, value)) die("unknown option " + name);
  }
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream f(path);
  if (!f) die("cannot read " + path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(f, l);)
    if (!l.empty()) lines.push_back(l);
  return lines;
}

int connect_to(const std::string& host, int port, bool nonblocking) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), 0);
  if (fd < 0) die("socket");
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) die("bad --host " + host);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 && errno != EINPROGRESS) die("connect");
  return fd;
}

std::optional<Response> parse_response(std::string_view in) {
  const auto end = in.find("\r\n\r\n");
  if (end == std::string_view::npos) return std::nullopt;
  Response r;
  if (in.size() > 12) r.status = std::atoi(std::string(in.substr(9, 3)).c_str());
  std::size_t length = 0;
  for (std::size_t pos = in.find("\r\n") + 2; pos < end;) {
    const std::size_t eol = in.find("\r\n", pos);
    const std::string_view line = in.substr(pos, eol - pos);
    if (line.size() > 15 && strncasecmp(line.data(), "content-length:", 15) == 0)
      length = std::strtoul(std::string(line.substr(15)).c_str(), nullptr, 10);
    pos = eol + 2;
  }
  if (r.status == 304 || r.status == 204) length = 0;
  r.length = end + 4 + length;
  if (in.size() < r.length) return std::nullopt;
  r.body = in.substr(end + 4, length);
  return r;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

double seconds_since(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

ClientLoop::ClientLoop(const Target& target)
    : conns_(static_cast<std::size_t>(std::max(target.connections, 0))), buffer_(1 << 16) {
  epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_ < 0) die("epoll_create1");
  for (std::size_t i = 0; i < conns_.size(); ++i) {
    conns_[i].fd = connect_to(target.host, target.port);
    epoll_event e{};
    e.events = EPOLLIN | EPOLLOUT | EPOLLET;
    e.data.u64 = i;
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, conns_[i].fd, &e) < 0) die("epoll_ctl");
  }
}

ClientLoop::~ClientLoop() {
  for (auto& c : conns_) ::close(c.fd);
  ::close(epoll_);
}

void ClientLoop::send_some(Conn& c) {
  while (c.sent < c.out.size()) {
    const ssize_t n = ::send(c.fd, c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN) return;
      die("send");
    }
    c.sent += static_cast<std::size_t>(n);
  }
}

void ClientLoop::start(std::size_t i, const NextRequest& next) {
  Conn& c = conns_[i];
  if (!next(i, c.out)) return;
  c.sent = 0;
  c.started = Clock::now();
  send_some(c);
}

void ClientLoop::receive(std::size_t i, const NextRequest& next, const OnAnswer& on_answer) {
  Conn& c = conns_[i];
  for (;;) {
    const ssize_t r = ::recv(c.fd, buffer_.data(), buffer_.size(), 0);
    if (r > 0) {
      c.in.append(buffer_.data(), static_cast<std::size_t>(r));
      continue;
    }
    if (r == 0) die("server closed a connection");
    if (errno == EAGAIN) break;
    die("recv");
  }
  while (const auto response = parse_response(c.in)) {
    Answer a;
    a.connection = i;
    a.status = response->status;
    a.body = response->body;
    a.bytes = response->length;
    a.at = Clock::now();
    a.latency_ms = std::chrono::duration<double, std::milli>(a.at - c.started).count();
    on_answer(a);
    c.in.erase(0, response->length);
    start(i, next);
  }
}

void ClientLoop::run(const NextRequest& next, const OnAnswer& on_answer, const Stop& stop, int poll_ms) {
  for (std::size_t i = 0; i < conns_.size(); ++i) start(i, next);
  std::vector<epoll_event> ready(1024);
  while (!stop()) {
    const int n = ::epoll_wait(epoll_, ready.data(), static_cast<int>(ready.size()), poll_ms);
    if (n < 0) {
      if (errno == EINTR) continue;
      die("epoll_wait");
    }
    for (int k = 0; k < n; ++k) {
      const auto& ev = ready[static_cast<std::size_t>(k)];
      const auto i = static_cast<std::size_t>(ev.data.u64);
      if (ev.events & EPOLLOUT) send_some(conns_[i]);
      if (ev.events & (EPOLLIN | EPOLLHUP | EPOLLERR)) receive(i, next, on_answer);
    }
  }
}

}  // namespace bench
