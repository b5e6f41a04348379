#pragma once
// The HTTP/1.1 server. Beast and Asio stay inside server.cpp: this header is plain C++.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/work_pool.hpp"
#include "http/authenticator.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"

namespace admit::http {

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // host:port or [v6]:port; port 0 picks a free one
  int io_threads = 2;                     // network threads (parsing and writing only)
  WorkPool* pool = nullptr;               // runs authenticate + CSRF + routing + handlers; required
  std::string web_root;                   // directory of the built web app; empty = none
  std::string public_url;                 // e.g. https://tickets.example.org (CSRF origin, HSTS)
  std::chrono::seconds header_timeout{10};  // first byte to complete header
  std::chrono::seconds body_timeout{30};    // reading the body; also writing the answer
  std::chrono::seconds idle_timeout{75};    // keep-alive wait for the next request
  std::size_t max_header_bytes = 16 * 1024;
  bool trust_proxy = false;  // then X-Forwarded-For's last hop is the client address
  bool access_log = true;    // one JSON line per request
  std::chrono::seconds shutdown_grace{10};  // stop(): time in-flight requests get to finish
  // Connections open at once; one more is closed as soon as it is accepted (counted in
  // refused_connections(), logged), so a flood of idle sockets cannot use up descriptors
  // and memory.
  std::size_t max_connections = 10000;
  // Connections open at once from one client address (the TCP peer: behind a proxy, the
  // proxy; IPv6 peers count per /64); one more is closed at accept like above
  // (refused_per_address()). 0 = no cap.
  // Addresses in per_address_exempt (canonical text, e.g. a reverse proxy) are not capped.
  std::size_t max_connections_per_address = 512;
  std::vector<std::string> per_address_exempt;
};

// Server: accepts HTTP/1.1 connections (keep-alive, pipelining answered in order) on
// `io_threads` network threads and hands every complete request to the work pool, where the
// Dispatcher authenticates, applies CSRF, routes and runs the handler. The network threads
// parse and write, and run only handlers of `nonblocking` routes whose caller the
// authenticator knows without blocking (router.hpp); a full pool is answered there with
// 503 + Retry-After: 1.
// Guarantees: every request gets exactly one answer (a throwing handler, or one that drops
// its Respond, answers 500); an answer arriving after the client left is dropped harmlessly;
// every answer carries X-Request-Id and the security headers; bodies over the route's limit
// answer 413 and malformed requests 400, both closing the connection.
// Lifecycle: construct, start() (binds and returns; throws std::runtime_error when the
// address is unusable), then run_until_signal() or stop() from any non-network thread.
// stop() stops accepting, closes idle connections, lets in-flight requests finish for up to
// shutdown_grace, then stops the network threads; it is idempotent and run by the destructor.
// The router, authenticator, metrics and pool must outlive the Server.
class Server {
 public:
  Server(ServerOptions options, const Router& router, Authenticator* authenticator,
         Metrics& metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void start();
  std::uint16_t port() const;
  // Blocks until SIGINT/SIGTERM (or stop() from another thread), then stops gracefully.
  void run_until_signal();
  void stop();

  // Connections currently open (for a metrics gauge).
  std::size_t connection_count() const;
  // Connections closed at accept because max_connections were open.
  std::uint64_t refused_connections() const;
  // Connections closed at accept because their address had max_connections_per_address open.
  std::uint64_t refused_per_address() const;

 private:
  struct Core;
  std::shared_ptr<Core> core_;
};

}  // namespace admit::http
