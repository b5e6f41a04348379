#pragma once
// The Asio side of the server that needs no Beast (server.cpp holds the HTTP sessions): the
// event loops (one io_context per network thread), the listening socket, the signal wait. Included only
// by server.cpp and network.cpp, the two files that may include Asio.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>

namespace admit::http {

// One loop per thread, as nginx's workers: each network thread runs its own io_context
// (concurrency hint 1), and every connection lives on one loop for its whole life, so its
// handlers need no strand and the loops share no scheduler lock or wake-ups
// (docs/decisions/0012-one-loop-per-network-thread.md).
struct Network {
  explicit Network(int threads);

  // Binds and listens on `listen` ("host:port" or "[v6]:port"; a name is resolved once);
  // throws std::runtime_error naming the address when it cannot. Sets bound_port.
  void listen(const std::string& listen);
  // Runs each loop on its own network thread ("admit-net"); an exception escaping a
  // handler is logged and the thread runs on.
  void run_threads();
  // Calls on_signal with the signal's number at SIGINT or SIGTERM (once).
  void on_signals(std::function<void(int)> on_signal);
  // Closes the listening socket and ends the signal wait (on the acceptor's loop).
  void close_acceptor();
  // Lets the loops run out, stops them and joins the network threads.
  void stop_threads();
  // Destroys what holds pending handlers (coroutine frames), before their owner goes.
  void reset();
  // The loop for the next accepted connection (round robin), and its index.
  std::size_t next_loop();
  // The first loop: the acceptor's, the signals', the fallback for completions.
  boost::asio::io_context& main_loop() { return *loops.front(); }

  // What the per-address connection cap counts: an IPv4 address (also when mapped into
  // IPv6), or the /64 of an IPv6 address, since one IPv6 client usually holds a whole /64
  // (the rate limits count IPv6 the same way).
  static std::string cap_key(const boost::asio::ip::address& address);

  const int threads;
  std::vector<std::unique_ptr<boost::asio::io_context>> loops;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
  std::size_t next = 0;  // touched only by the acceptor (on the main loop)
  std::optional<boost::asio::ip::tcp::acceptor> acceptor;
  std::optional<boost::asio::signal_set> signals;
  std::vector<std::thread> running;
  std::uint16_t bound_port = 0;
};

// Sends `size` bytes of the open file `file_fd` to `socket` with sendfile(2), waiting for
// the socket to take more as needed; false when it could not send them all (the peer left,
// `timeout` passed, the file became shorter): then the connection must close.
boost::asio::awaitable<bool> send_file(boost::asio::ip::tcp::socket& socket, int file_fd,
                                       std::uint64_t size, std::chrono::seconds timeout);

}  // namespace admit::http
