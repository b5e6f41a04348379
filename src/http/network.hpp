#pragma once
// The Asio side of the server that needs no Beast (server.cpp holds the HTTP sessions): the
// io_context and its network threads, the listening socket, the signal wait. Included only
// by server.cpp and network.cpp, the two files that may include Asio.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>

namespace admit::http {

struct Network {
  explicit Network(int threads);

  // Binds and listens on `listen` ("host:port" or "[v6]:port"; a name is resolved once);
  // throws std::runtime_error naming the address when it cannot. Sets bound_port.
  void listen(const std::string& listen);
  // Runs the io_context on `threads` network threads ("admit-net"); an exception escaping a
  // handler is logged and the thread runs on.
  void run_threads();
  // Calls on_signal with the signal's number at SIGINT or SIGTERM (once).
  void on_signals(std::function<void(int)> on_signal);
  // Closes the listening socket and ends the signal wait (on the acceptor's strand).
  void close_acceptor();
  // Lets the io_context run out, stops it and joins the network threads.
  void stop_threads();
  // Destroys what holds pending handlers (coroutine frames), before their owner goes.
  void reset();

  // What the per-address connection cap counts: an IPv4 address (also when mapped into
  // IPv6), or the /64 of an IPv6 address, since one IPv6 client usually holds a whole /64
  // (the rate limits count IPv6 the same way).
  static std::string cap_key(const boost::asio::ip::address& address);

  const int threads;
  std::optional<boost::asio::io_context> ioc;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
  std::optional<boost::asio::ip::tcp::acceptor> acceptor;
  std::optional<boost::asio::signal_set> signals;
  std::vector<std::thread> running;
  std::uint16_t bound_port = 0;
};

}  // namespace admit::http
