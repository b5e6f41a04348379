#include "http/network.hpp"

#include <pthread.h>
#include <sys/sendfile.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <exception>
#include <stdexcept>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/log.hpp"
#include "http/wire.hpp"

namespace admit::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

// "host:port" / "[v6]:port" -> endpoint (names are resolved once, at start).
tcp::endpoint parse_listen(asio::io_context& ioc, const std::string& listen) {
  const ListenAddress a = split_listen_address(listen);
  error_code ec;
  auto address = asio::ip::make_address(a.host, ec);
  if (!ec) return {address, a.port_number};
  tcp::resolver resolver(ioc);
  auto results = resolver.resolve(a.host, a.port, ec);
  if (ec || results.empty())
    throw std::runtime_error("cannot resolve listen host '" + a.host + "': " + ec.message());
  return results.begin()->endpoint();
}

}  // namespace

Network::Network(int n) : threads(n > 0 ? n : 1) {
  for (int i = 0; i < threads; ++i) {
    loops.push_back(std::make_unique<asio::io_context>(1));
    work.emplace_back(loops.back()->get_executor());
  }
}

std::size_t Network::next_loop() {
  const std::size_t i = next;
  next = (next + 1) % loops.size();
  return i;
}

void Network::listen(const std::string& listen) {
  tcp::endpoint endpoint = parse_listen(main_loop(), listen);
  acceptor.emplace(main_loop());
  error_code ec;
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    acceptor.reset();
    throw std::runtime_error("cannot listen on " + listen + ": " + ec.message());
  }
  bound_port = acceptor->local_endpoint().port();
}

void Network::run_threads() {
  for (int i = 0; i < threads; ++i) {
    running.emplace_back([this, loop = loops[static_cast<std::size_t>(i)].get()] {
      pthread_setname_np(pthread_self(), "admit-net");
      for (;;) {
        try {
          loop->run();
          return;
        } catch (const std::exception& e) {
          log::error("network thread error", {{"error", e.what()}});
        }
      }
    });
  }
}

void Network::on_signals(std::function<void(int)> on_signal) {
  signals.emplace(main_loop(), SIGINT, SIGTERM);
  signals->async_wait([f = std::move(on_signal)](const error_code& ec, int signal_number) {
    if (!ec) f(signal_number);
  });
}

void Network::close_acceptor() {
  asio::post(acceptor->get_executor(), [this] {
    error_code ignored;
    acceptor->close(ignored);
    if (signals) signals->cancel(ignored);
  });
}

void Network::stop_threads() {
  for (auto& w : work) w.reset();
  for (auto& loop : loops) loop->stop();
  for (auto& t : running)
    if (t.joinable()) t.join();
  running.clear();
}

void Network::reset() {
  signals.reset();
  acceptor.reset();
  work.clear();
  loops.clear();
}

std::string Network::cap_key(const asio::ip::address& address) {
  if (address.is_v4()) return address.to_string();
  auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_string();
  auto bytes = v6.to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), static_cast<unsigned char>(0));
  return asio::ip::address_v6(bytes).to_string() + "/64";
}

asio::awaitable<bool> send_file(tcp::socket& socket, int file_fd, std::uint64_t size,
                                std::chrono::seconds timeout) {
  error_code ec;
  socket.native_non_blocking(true, ec);
  if (ec) co_return false;
  // The deadline ends the wait for a client that stops reading; its handler touches nothing
  // when cancelled (it may run after this frame is gone).
  asio::steady_timer deadline(socket.get_executor(), timeout);
  deadline.async_wait([&socket](const error_code& e) {
    if (e) return;
    error_code ignored;
    socket.cancel(ignored);
  });
  off_t offset = 0;
  const auto end = static_cast<off_t>(size);
  while (offset < end) {
    const ssize_t sent =
        ::sendfile(socket.native_handle(), file_fd, &offset, static_cast<std::size_t>(end - offset));
    if (sent > 0) continue;
    if (sent == 0) break;  // the file became shorter than its Content-Length
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) break;
    auto [wait_ec] = co_await socket.async_wait(tcp::socket::wait_write, asio::as_tuple(asio::use_awaitable));
    if (wait_ec) break;
  }
  deadline.cancel();
  co_return offset == end;
}

}  // namespace admit::http
