// The only translation unit that includes Beast and Asio (see message.hpp).
#include "http/server.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <pthread.h>
#include <limits>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "common/handoff.hpp"
#include "common/log.hpp"
#include "common/time.hpp"
#include "http/compression.hpp"
#include "http/descriptor_limit.hpp"
#include "http/dispatch.hpp"
#include "http/middleware.hpp"
#include "http/url.hpp"

namespace admit::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

Method to_method(bhttp::verb v) noexcept {
  switch (v) {
    case bhttp::verb::get: return Method::get;
    case bhttp::verb::head: return Method::head;
    case bhttp::verb::post: return Method::post;
    case bhttp::verb::put: return Method::put;
    case bhttp::verb::patch: return Method::patch;
    case bhttp::verb::delete_: return Method::delete_;
    case bhttp::verb::options: return Method::options;
    default: return Method::other;
  }
}

bool is_token_char(char c) noexcept {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

// Handler-supplied headers must not smuggle CR/LF into the answer.
bool header_is_safe(std::string_view name, std::string_view value) noexcept {
  if (name.empty()) return false;
  for (char c : name)
    if (!is_token_char(c)) return false;
  for (char c : value)
    if (c == '\r' || c == '\n' || c == '\0') return false;
  return true;
}

// The Date header, formatted once per second per thread.
const std::string& http_date_now() {
  thread_local std::int64_t cached_second = -1;
  thread_local std::string cached;
  auto now = std::chrono::system_clock::now();
  auto second = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (second != cached_second) {
    cached = format_http_date(std::chrono::time_point_cast<std::chrono::milliseconds>(now));
    cached_second = second;
  }
  return cached;
}

bool body_forbidden(int status) noexcept { return status < 200 || status == 204 || status == 304; }

// "host:port" / "[v6]:port" -> endpoint (names are resolved once, at start).
tcp::endpoint parse_listen(asio::io_context& ioc, const std::string& listen) {
  std::string host, port;
  if (!listen.empty() && listen.front() == '[') {
    auto close = listen.find(']');
    if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':')
      throw std::runtime_error("listen address '" + listen + "' is not [host]:port");
    host = listen.substr(1, close - 1);
    port = listen.substr(close + 2);
  } else {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos)
      throw std::runtime_error("listen address '" + listen + "' is not host:port");
    host = listen.substr(0, colon);
    port = listen.substr(colon + 1);
  }
  if (host.empty()) host = "0.0.0.0";
  unsigned long port_number = 0;
  try {
    std::size_t used = 0;
    port_number = std::stoul(port, &used);
    if (used != port.size() || port_number > 65535) throw std::out_of_range("port");
  } catch (const std::exception&) {
    throw std::runtime_error("listen address '" + listen + "' has an invalid port");
  }
  error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (!ec) return {address, static_cast<unsigned short>(port_number)};
  tcp::resolver resolver(ioc);
  auto results = resolver.resolve(host, port, ec);
  if (ec || results.empty())
    throw std::runtime_error("cannot resolve listen host '" + host + "': " + ec.message());
  return results.begin()->endpoint();
}

// What the per-address connection cap counts: an IPv4 address (also when mapped into
// IPv6), or the /64 of an IPv6 address, since one IPv6 client usually holds a whole /64
// (the rate limits count IPv6 the same way).
std::string connection_cap_key(const asio::ip::address& address) {
  if (address.is_v4()) return address.to_string();
  auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_string();
  auto bytes = v6.to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), static_cast<unsigned char>(0));
  return asio::ip::address_v6(bytes).to_string() + "/64";
}

}  // namespace

// Everything the network threads touch. It owns the io_context and is shared with pending
// exchanges, so an answer that arrives after the Server is gone still posts somewhere valid.
struct Server::Core : std::enable_shared_from_this<Server::Core>, HandoffTarget {
  struct Connection {
    Connection(tcp::socket&& socket, std::string peer, std::string cap_key)
        : stream(std::move(socket)), peer(std::move(peer)), cap_key(std::move(cap_key)) {}
    beast::tcp_stream stream;
    const std::string peer;     // the client address, canonical text ("" when unknown)
    const std::string cap_key;  // what the per-address cap counts: the address, or its /64
    bool idle = true;  // waiting for the next request (touched only on the strand)
  };

  // One request's way back to its connection. The awaiting coroutine resumes through the
  // type-erased completion, posted to the connection's strand; it is a HandoffTask so that a
  // thread answering many requests at once (a registration writer, under a HandoffBatch)
  // hands them to the network threads in one post. Only the first answer counts, and an
  // exchange dropped unanswered answers 500.
  struct Completion : HandoffTask {
    Response response;
    std::string route;
  };
  template <class Handler>
  struct CompletionImpl final : Completion {
    CompletionImpl(Handler h, asio::any_io_executor fallback)
        : handler(std::move(h)), fallback(std::move(fallback)) {}
    void run() override {
      auto ex = asio::get_associated_executor(handler, fallback);
      asio::post(ex, [h = std::move(handler), r = std::move(response),
                      route = std::move(route)]() mutable { std::move(h)(std::move(r), std::move(route)); });
    }
    Handler handler;
    asio::any_io_executor fallback;
  };

  struct Exchange {
    Exchange(std::shared_ptr<Core> c, Request r, std::unique_ptr<Completion> done)
        : core(std::move(c)), request(std::move(r)), completion(std::move(done)) {}
    ~Exchange() {
      if (completion) {
        log::error("handler dropped its response",
                   {{"request_id", request.request_id}, {"route", route}});
        answer(Response::problem(Error::internal(), request.request_id));
      }
    }
    void answer(Response response) {
      std::unique_ptr<Completion> done;
      {
        std::lock_guard lock(mutex);
        if (!completion) {
          log::warn("request answered twice; later answer ignored",
                    {{"request_id", request.request_id}, {"route", route}});
          return;
        }
        done = std::move(completion);
        done->route = std::move(route);
      }
      done->response = std::move(response);
      HandoffBatch::post(core, std::move(done));
    }

    std::shared_ptr<Core> core;  // keeps the io_context alive for the answer
    Request request;
    std::string route;  // written by the dispatcher before any answer
    std::mutex mutex;
    std::unique_ptr<Completion> completion;
  };

  // HandoffTarget: answers from one batch reach the network threads in one post per thread
  // (a share each, so all of them send); each answer then goes on to its connection's
  // strand from there, a cheap thread-local queue operation.
  void run_all(HandoffTasks tasks) override {
    if (tasks.size() == 1) {
      tasks.front()->run();
      return;
    }
    const std::size_t shares =
        std::min(tasks.size(), static_cast<std::size_t>(std::max(1, options.io_threads)));
    const std::size_t per_share = (tasks.size() + shares - 1) / shares;
    for (std::size_t from = 0; from < tasks.size(); from += per_share) {
      HandoffTasks share;
      const std::size_t to = std::min(tasks.size(), from + per_share);
      share.reserve(to - from);
      for (std::size_t i = from; i < to; ++i) share.push_back(std::move(tasks[i]));
      asio::post(*ioc, [share = std::move(share)]() mutable {
        for (auto& t : share) t->run();
      });
    }
  }

  Core(ServerOptions o, const Router& r, Authenticator* a, Metrics& m)
      : options(std::move(o)),
        metrics(m),
        router(r),
        dispatcher(r, a, options.public_url, options.web_root),
        security(security_headers(options.public_url.starts_with("https://"))),
        ioc(std::in_place, options.io_threads > 0 ? options.io_threads : 1),
        work(std::in_place, ioc->get_executor()) {}

  ~Core() {
    // Destroy pending handlers (coroutine frames) while the rest of Core is still alive.
    signals.reset();
    acceptor.reset();
    work.reset();
    ioc.reset();
  }

  // ---- connection registry (for graceful shutdown and the per-address cap) ----
  bool exempt(const std::string& address) const {
    return std::find(options.per_address_exempt.begin(), options.per_address_exempt.end(),
                     address) != options.per_address_exempt.end();
  }
  // Registers the connection unless its address already has its share open.
  bool add_connection(const std::shared_ptr<Connection>& c) {
    std::lock_guard lock(connections_mutex);
    const std::size_t cap = options.max_connections_per_address;
    if (cap > 0 && !exempt(c->peer)) {
      std::size_t& open = per_address[c->cap_key];
      if (open >= cap) return false;
      ++open;
    }
    connections.emplace(c.get(), c);
    return true;
  }
  std::size_t connection_count() const {
    std::lock_guard lock(connections_mutex);
    return connections.size();
  }
  void remove_connection(Connection* c) {
    std::lock_guard lock(connections_mutex);
    if (connections.erase(c) > 0) {
      if (auto it = per_address.find(c->cap_key); it != per_address.end() && --it->second == 0)
        per_address.erase(it);
    }
    if (connections.empty()) connections_cv.notify_all();
  }

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> session(std::shared_ptr<Connection> connection);
  asio::awaitable<void> reject(Connection& connection, const Error& error,
                               const std::string& request_id,
                               std::chrono::steady_clock::time_point started_at,
                               const std::string& peer);
  asio::awaitable<std::tuple<Response, std::string>> dispatch(Request request);
  template <class Body>
  asio::awaitable<error_code> write(beast::tcp_stream& stream, bhttp::response<Body>& message,
                                    bool head_only);
  asio::awaitable<std::size_t> send(Connection& connection, Response response, unsigned version,
                                    bool keep_alive, bool head_only, const std::string& request_id,
                                    bool& ok);
  // Status line and header fields of a string-body answer, ending in the blank line.
  std::string response_head(const Response& response, unsigned version, bool keep_alive,
                            bool forbidden, const std::string& request_id) const;
  // The header fields every answer carries, in order, but Content-Length and Connection
  // (which depend on how the body is sent): content type, the handler's own (unsafe or
  // server-owned ones dropped), security headers, X-Request-Id, Date, Cache-Control.
  template <class Emit>
  void for_each_field(const Response& response, const std::string& request_id, Emit&& emit) const;
  void request_stop();

  ServerOptions options;
  Metrics& metrics;
  const Router& router;
  Dispatcher dispatcher;
  const std::vector<std::pair<std::string, std::string>> security;

  std::optional<asio::io_context> ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::signal_set> signals;
  std::vector<std::thread> threads;
  std::uint16_t bound_port = 0;
  std::atomic<bool> draining{false};
  std::atomic<std::uint64_t> refused{0};

  mutable std::mutex connections_mutex;
  std::condition_variable connections_cv;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections;
  std::unordered_map<std::string, std::size_t> per_address;  // open connections by address
  std::atomic<std::uint64_t> refused_address{0};

  std::mutex state_mutex;  // lifecycle
  std::condition_variable state_cv;
  bool started = false;
  bool stop_requested = false;
  bool stopped = false;
  std::mutex stop_mutex;  // serialises stop()
};

asio::awaitable<void> Server::Core::accept_loop() {
  for (;;) {
    auto strand = asio::make_strand(*ioc);
    auto [ec, socket] = co_await acceptor->async_accept(strand, kUseTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
      // Out of descriptors and the like: back off briefly instead of spinning.
      log::warn("accept failed", {{"error", ec.message()}});
      asio::steady_timer timer(acceptor->get_executor(), std::chrono::milliseconds(50));
      co_await timer.async_wait(kUseTuple);
      continue;
    }
    if (draining.load()) continue;  // closes the socket
    if (connection_count() >= options.max_connections) {
      // Closed unread: the client sees the connection end; the count says why.
      const auto n = refused.fetch_add(1) + 1;
      if (n == 1 || n % 1000 == 0)
        log::warn("connection refused: too many open",
                  {{"max_connections", options.max_connections}, {"refused_so_far", n}});
      continue;
    }
    error_code ignored;
    std::string peer, cap_key;
    if (auto endpoint = socket.remote_endpoint(ignored); !ignored) {
      peer = endpoint.address().to_string();
      cap_key = connection_cap_key(endpoint.address());
    }
    socket.set_option(tcp::no_delay(true), ignored);
    auto connection =
        std::make_shared<Connection>(std::move(socket), std::move(peer), std::move(cap_key));
    if (!add_connection(connection)) {
      // Closed unread, as above: one address may not hold every slot.
      const auto n = refused_address.fetch_add(1) + 1;
      if (n == 1 || n % 1000 == 0)
        log::warn("connection refused: too many open from one address",
                  {{"max_connections_per_address", options.max_connections_per_address},
                   {"remote", connection->peer}, {"refused_so_far", n}});
      continue;
    }
    auto ex = connection->stream.get_executor();
    asio::co_spawn(ex, session(std::move(connection)), [](std::exception_ptr error) {
      if (!error) return;
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        log::error("connection failed", {{"error", e.what()}});
      } catch (...) {
        log::error("connection failed", {{"error", "unknown exception"}});
      }
    });
  }
}

asio::awaitable<std::tuple<Response, std::string>> Server::Core::dispatch(Request request) {
  // An answer memory holds goes out at once: no exchange, no post back to the strand.
  {
    std::optional<Response> now;
    std::string route;
    if (dispatcher.answer_now(request, route, now))
      co_return std::tuple<Response, std::string>(std::move(*now), std::move(route));
  }
  auto initiate = [this, &request](auto handler) {
    using Handler = decltype(handler);
    auto fallback = asio::any_io_executor(ioc->get_executor());
    auto exchange = std::make_shared<Exchange>(
        shared_from_this(), std::move(request),
        std::make_unique<CompletionImpl<Handler>>(std::move(handler), std::move(fallback)));
    // A route whose handler never blocks runs here, on the network thread, when the caller
    // is known without the database; everything else goes to the work pool.
    Respond respond = [exchange](Response r) { exchange->answer(std::move(r)); };
    RouteMatch match;
    if (dispatcher.dispatch_inline(exchange->request, exchange->route, respond, match)) {
      // Freed here rather than on whichever thread drops the exchange last (a writer).
      exchange->request.release_payload();
      return;
    }
    bool posted = options.pool->try_post(
        [this, exchange, respond = std::move(respond), match = std::move(match)]() mutable {
          dispatcher.dispatch(exchange->request, exchange->route, respond, std::move(match));
        });
    if (!posted) {
      exchange->route = "overloaded";
      exchange->answer(Response::problem(
          Error::unavailable(1, "The server is busy; try again in a moment."),
          exchange->request.request_id));
    }
  };
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable),
                                          void(Response, std::string)>(initiate, asio::use_awaitable);
}

template <class Body>
asio::awaitable<error_code> Server::Core::write(beast::tcp_stream& stream,
                                                bhttp::response<Body>& message, bool head_only) {
  bhttp::response_serializer<Body> serializer(message);
  stream.expires_after(options.body_timeout);
  if (head_only) {
    auto [ec, n] = co_await bhttp::async_write_header(stream, serializer, kUseTuple);
    co_return ec;
  }
  auto [ec, n] = co_await bhttp::async_write(stream, serializer, kUseTuple);
  co_return ec;
}

// Writes `response` with the common headers; returns the body bytes sent, sets ok=false
// when the write failed.
asio::awaitable<std::size_t> Server::Core::send(Connection& connection, Response response,
                                                unsigned version, bool keep_alive,
                                                bool head_only, const std::string& request_id,
                                                bool& ok) {
  if (response.status < 200 || response.status > 599) {
    log::error("handler answered an invalid status",
               {{"request_id", request_id}, {"status", response.status}});
    response = Response::problem(Error::internal(), request_id);
  }
  auto fill = [&](auto& message) {
    message.version(version);
    message.result(static_cast<unsigned>(response.status));
    for_each_field(response, request_id,
                   [&](std::string_view name, std::string_view value) { message.insert(name, value); });
    message.keep_alive(keep_alive);
  };

  if (!response.file_path.empty() && !body_forbidden(response.status)) {
    bhttp::response<bhttp::file_body> message;
    error_code ec;
    message.body().open(response.file_path.c_str(), beast::file_mode::scan, ec);
    if (!ec) {
      fill(message);
      std::uint64_t size = message.body().size();
      message.content_length(size);
      ec = co_await write(connection.stream, message, head_only);
      ok = !ec;
      co_return head_only ? 0 : static_cast<std::size_t>(size);
    }
    log::warn("file not readable", {{"request_id", request_id}, {"error", ec.message()}});
    response = Response::problem(Error::not_found("file"), request_id);
  }

  // String bodies (every API answer): the head is written here into one string and goes
  // out with the body in one gather write. Beast's serializer walks a long chain of small
  // buffers and allocates a node per header; it was the largest single cost of the network
  // threads in the flash-sale profile (bench/README.md).
  const bool forbidden = body_forbidden(response.status);
  std::string head = response_head(response, version, keep_alive, forbidden, request_id);
  const std::string_view body = response.body_view();  // a shared body is never copied
  const std::size_t bytes = forbidden || head_only ? 0 : body.size();
  connection.stream.expires_after(options.body_timeout);
  if (bytes == 0) {
    auto [ec, n] = co_await asio::async_write(connection.stream, asio::buffer(head), kUseTuple);
    ok = !ec;
  } else {
    std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(body)};
    auto [ec, n] = co_await asio::async_write(connection.stream, buffers, kUseTuple);
    ok = !ec;
  }
  co_return bytes;
}

std::string Server::Core::response_head(const Response& response, unsigned version,
                                        bool keep_alive, bool forbidden,
                                        const std::string& request_id) const {
  std::string head;
  head.reserve(640);
  head += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  head += std::to_string(response.status);
  head += ' ';
  head += bhttp::obsolete_reason(bhttp::int_to_status(static_cast<unsigned>(response.status)));
  head += "\r\n";
  auto field = [&head](std::string_view name, std::string_view value) {
    head += name;
    head += ": ";
    head += value;
    head += "\r\n";
  };
  for_each_field(response, request_id, field);
  if (!forbidden) field("Content-Length", std::to_string(response.body_view().size()));
  // HTTP/1.1 stays open unless told; HTTP/1.0 closes unless told.
  if (version == 10 && keep_alive) field("Connection", "keep-alive");
  if (version != 10 && !keep_alive) field("Connection", "close");
  head += "\r\n";
  return head;
}

template <class Emit>
void Server::Core::for_each_field(const Response& response, const std::string& request_id,
                                  Emit&& emit) const {
  // Fields the server writes itself; a handler's own copy would be a duplicate.
  auto server_owned = [this](std::string_view name) {
    for (std::string_view own : {"x-request-id", "date", "content-length", "connection",
                                 "transfer-encoding"})
      if (beast::iequals(name, own)) return true;
    for (const auto& [own, value] : security)
      if (beast::iequals(name, own)) return true;
    return false;
  };
  if (!response.content_type.empty()) emit("Content-Type", response.content_type);
  bool cache_control = false;
  for (const auto& [name, value] : response.headers) {
    if (!header_is_safe(name, value)) {
      log::error("handler header dropped", {{"request_id", request_id}, {"header", name}});
      continue;
    }
    if (server_owned(name)) continue;
    cache_control = cache_control || beast::iequals(name, "cache-control");
    emit(name, value);
  }
  for (const auto& [name, value] : security) emit(name, value);
  emit("X-Request-Id", request_id);
  emit("Date", http_date_now());
  if (!cache_control) emit("Cache-Control", "no-store");
}

// Answers a request that could not be read (400/413) and logs it; the caller closes.
// (Arguments are references to named objects: GCC 12 mishandles non-trivial temporaries in
// co_await expressions, so none are created there in this file.)
asio::awaitable<void> Server::Core::reject(Connection& connection, const Error& error,
                                           const std::string& request_id,
                                           std::chrono::steady_clock::time_point started_at,
                                           const std::string& peer) {
  Response response = Response::problem(error, request_id);
  const int status = response.status;
  const bool keep_alive = false;
  const bool head_only = false;
  const unsigned version = 11;
  bool ok = false;
  std::size_t bytes =
      co_await send(connection, std::move(response), version, keep_alive, head_only, request_id, ok);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at).count();
  metrics.observe_request("invalid", Method::other, status, seconds);
  if (options.access_log)
    log::info("request", {{"request_id", request_id}, {"method", "-"}, {"route", "invalid"},
                          {"status", status}, {"duration_ms", seconds * 1000.0},
                          {"bytes", bytes}, {"remote", peer}});
  if (!ok) co_return;
  // Lingering close: the client may still be sending the body we refused. Closing with
  // unread data makes the kernel send RST, which can destroy our answer before the client
  // reads it; so stop sending, then drain briefly (at most 1 s and 1 MiB) before closing.
  error_code ignored;
  connection.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  connection.stream.expires_after(std::chrono::seconds(1));
  std::array<char, 16384> sink;
  for (std::size_t drained = 0; drained < (1u << 20);) {
    auto [ec, n] = co_await connection.stream.async_read_some(asio::buffer(sink), kUseTuple);
    if (ec) break;
    drained += n;
  }
}

asio::awaitable<void> Server::Core::session(std::shared_ptr<Connection> connection) {
  struct Unregister {
    Core* core;
    Connection* connection;
    ~Unregister() { core->remove_connection(connection); }
  } unregister{this, connection.get()};

  beast::tcp_stream& stream = connection->stream;
  const std::string& peer = connection->peer;
  beast::flat_buffer buffer;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser;
  bool first = true;
  const auto too_large = [](std::size_t limit) {
    return Error{ErrorCode::payload_too_large,
                 "The request body is larger than " + std::to_string(limit) + " bytes.", {}};
  };

  for (;;) {
    // Wait for the next request's first byte (idle keep-alive connections can be closed).
    if (buffer.size() == 0) {
      if (buffer.capacity() > 64 * 1024) buffer.shrink_to_fit();
      connection->idle = true;
      if (draining.load()) break;
      stream.expires_after(first ? options.header_timeout : options.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(8192), kUseTuple);
      connection->idle = false;
      if (ec) break;
      buffer.commit(n);
    }
    first = false;

    parser.emplace();
    parser->header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser->body_limit(std::numeric_limits<std::uint64_t>::max());  // per route, below
    stream.expires_after(options.header_timeout);
    auto [header_ec, header_n] = co_await bhttp::async_read_header(stream, buffer, *parser, kUseTuple);
    const auto started_at = std::chrono::steady_clock::now();

    Request request;
    std::string request_id;
    std::optional<Error> rejection;  // answer it, then close
    bool close_quietly = false;      // the peer left or timed out: nothing to answer
    std::string_view raw_path;  // into request.target
    bool keep_alive_requested = false;
    unsigned version = 11;
    do {
      if (header_ec) {
        if (header_ec == bhttp::error::end_of_stream || header_ec == asio::error::eof ||
            header_ec == bhttp::error::partial_message || header_ec == beast::error::timeout ||
            header_ec == asio::error::operation_aborted ||
            header_ec == asio::error::connection_reset)
          close_quietly = true;
        else if (header_ec == bhttp::error::header_limit)
          rejection = Error::bad_request("The request headers are too large.");
        else if (header_ec == bhttp::error::bad_transfer_encoding ||
                 header_ec == bhttp::error::bad_content_length)
          rejection = Error::bad_request(
              "The request's Content-Length or Transfer-Encoding is not valid (both given, or "
              "one given twice).");
        else
          rejection = Error::bad_request("The request is not valid HTTP/1.1.");
        break;
      }

      auto& message = parser->get();
      request.method = to_method(message.method());
      request.target = std::string(message.target());
      request.headers.reserve(16);
      for (const auto& field : message) {
        std::string name(field.name_string());
        for (char& c : name)
          if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
        request.headers.emplace_back(std::move(name), std::string(field.value()));
      }
      if (auto incoming = request.header("x-request-id"); incoming && is_sane_request_id(*incoming))
        request_id = std::string(*incoming);
      else
        request_id = new_request_id();
      request.request_id = request_id;
      request.remote_address =
          client_address(peer, request.header("x-forwarded-for"), options.trust_proxy);

      version = message.version();
      if (auto framing = check_framing(request, version)) {
        rejection = std::move(framing);
        break;
      }

      std::string_view target = request.target;
      if (target.empty() || target.front() != '/') {
        rejection = Error::bad_request("The request target must be an absolute path.");
        break;
      }
      auto question = target.find('?');
      raw_path = target.substr(0, question);
      if (question != std::string_view::npos)
        request.query_string = std::string(target.substr(question + 1));
      auto decoded = percent_decode(raw_path, false);
      if (!decoded) {
        rejection = Error::bad_request("The request path is not validly encoded.");
        break;
      }
      request.path = std::move(*decoded);

      // Body: the limit of the route, checked up front when Content-Length announces it.
      std::size_t limit = router.body_limit_for(request.method, raw_path);
      if (auto length = parser->content_length(); length && *length > limit) {
        rejection = too_large(limit);
        break;
      }
      parser->body_limit(limit);
      if (!parser->is_done()) {
        if (beast::iequals(message[bhttp::field::expect], "100-continue")) {
          static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
          stream.expires_after(options.body_timeout);
          auto [ec, n] = co_await asio::async_write(stream, asio::buffer(kContinue), kUseTuple);
          if (ec) {
            close_quietly = true;
            break;
          }
        }
        stream.expires_after(options.body_timeout);
        auto [body_ec, body_n] = co_await bhttp::async_read(stream, buffer, *parser, kUseTuple);
        if (body_ec) {
          if (body_ec == bhttp::error::body_limit)
            rejection = too_large(limit);
          else if (body_ec == beast::error::timeout || body_ec == asio::error::operation_aborted ||
                   body_ec == bhttp::error::end_of_stream || body_ec == asio::error::eof ||
                   body_ec == bhttp::error::partial_message ||
                   body_ec == asio::error::connection_reset)
            close_quietly = true;
          else
            rejection = Error::bad_request("The request body is not valid.");
          break;
        }
      }
      request.body = std::move(parser->get().body());
      keep_alive_requested = parser->get().keep_alive();
    } while (false);
    parser.reset();

    if (close_quietly) break;
    if (rejection) {
      if (request_id.empty()) request_id = new_request_id();
      co_await reject(*connection, *rejection, request_id, started_at, peer);
      break;
    }

    const Method method = request.method;
    const bool head_only = method == Method::head;
    // The access line is built only when it will be written (the bench runs at warn).
    const bool access_log = options.access_log && log::enabled(log::Level::info);
    std::string remote = access_log ? request.remote_address : std::string();
    const AcceptedEncodings accepted = parse_accept_encoding(request.header("accept-encoding"));
    auto [response, route] = co_await dispatch(std::move(request));
    if (response.later) {
      auto make = std::move(response.later);
      try {
        response = make();
      } catch (const std::exception& e) {
        log::error("building the answer failed",
                   {{"request_id", request_id}, {"route", route}, {"error", e.what()}});
        response = Response::problem(Error::internal(), request_id);
      }
    }
    compress_if_worthwhile(response, accepted);

    const bool keep_alive = keep_alive_requested && !draining.load();
    const int status = response.status;
    bool ok = false;
    std::size_t bytes = co_await send(*connection, std::move(response), version, keep_alive,
                                      head_only, request_id, ok);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at).count();
    metrics.observe_request(route, method, status, seconds);
    if (access_log)
      log::info("request", {{"request_id", request_id}, {"method", to_string(method)},
                            {"route", route}, {"status", status},
                            {"duration_ms", seconds * 1000.0}, {"bytes", bytes},
                            {"remote", remote}});
    if (!ok || !keep_alive) break;
  }

  error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.socket().close(ignored);
}

void Server::Core::request_stop() {
  {
    std::lock_guard lock(state_mutex);
    stop_requested = true;
  }
  state_cv.notify_all();
}

Server::Server(ServerOptions options, const Router& router, Authenticator* authenticator,
               Metrics& metrics) {
  if (options.pool == nullptr) throw std::invalid_argument("ServerOptions.pool is required");
  core_ = std::make_shared<Core>(std::move(options), router, authenticator, metrics);
}

Server::~Server() { stop(); }

void Server::start() {
  Core& core = *core_;
  raise_descriptor_limit(core.options.max_connections);
  std::lock_guard lock(core.state_mutex);
  if (core.started) throw std::logic_error("Server::start called twice");
  tcp::endpoint endpoint = parse_listen(*core.ioc, core.options.listen);
  core.acceptor.emplace(asio::make_strand(*core.ioc));
  error_code ec;
  core.acceptor->open(endpoint.protocol(), ec);
  if (!ec) core.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) core.acceptor->bind(endpoint, ec);
  if (!ec) core.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    core.acceptor.reset();
    throw std::runtime_error("cannot listen on " + core.options.listen + ": " + ec.message());
  }
  core.bound_port = core.acceptor->local_endpoint().port();
  asio::co_spawn(core.acceptor->get_executor(), core.accept_loop(), asio::detached);
  int n = core.options.io_threads > 0 ? core.options.io_threads : 1;
  for (int i = 0; i < n; ++i) {
    core.threads.emplace_back([c = &core] {
      pthread_setname_np(pthread_self(), "admit-net");
      for (;;) {
        try {
          c->ioc->run();
          return;
        } catch (const std::exception& e) {
          log::error("network thread error", {{"error", e.what()}});
        }
      }
    });
  }
  core.started = true;
  log::info("listening", {{"address", core.options.listen}, {"port", core.bound_port}});
}

std::uint16_t Server::port() const { return core_->bound_port; }

std::size_t Server::connection_count() const { return core_->connection_count(); }

std::uint64_t Server::refused_connections() const { return core_->refused.load(); }

std::uint64_t Server::refused_per_address() const { return core_->refused_address.load(); }

void Server::run_until_signal() {
  Core& core = *core_;
  {
    std::lock_guard lock(core.state_mutex);
    if (!core.started) throw std::logic_error("Server::run_until_signal before start");
    core.signals.emplace(*core.ioc, SIGINT, SIGTERM);
  }
  core.signals->async_wait([c = &core](const error_code& ec, int signal_number) {
    if (ec) return;
    log::info("shutting down", {{"signal", signal_number}});
    c->request_stop();
  });
  {
    std::unique_lock lock(core.state_mutex);
    core.state_cv.wait(lock, [&] { return core.stop_requested; });
  }
  stop();
}

void Server::stop() {
  Core& core = *core_;
  std::lock_guard stop_lock(core.stop_mutex);
  {
    std::lock_guard lock(core.state_mutex);
    if (core.stopped) return;
    core.stopped = true;
    core.stop_requested = true;
    if (!core.started) {
      core.state_cv.notify_all();
      return;
    }
  }
  core.state_cv.notify_all();

  // 1. Stop accepting and close idle connections; busy ones close after their answer.
  core.draining.store(true);
  asio::post(core.acceptor->get_executor(), [c = &core] {
    error_code ignored;
    c->acceptor->close(ignored);
    if (c->signals) c->signals->cancel(ignored);
  });
  {
    std::lock_guard lock(core.connections_mutex);
    for (auto& [raw, weak] : core.connections) {
      if (auto connection = weak.lock()) {
        asio::post(connection->stream.get_executor(), [connection] {
          if (connection->idle) connection->stream.cancel();
        });
      }
    }
  }
  // 2. Let in-flight requests finish.
  {
    std::unique_lock lock(core.connections_mutex);
    bool drained = core.connections_cv.wait_for(lock, core.options.shutdown_grace,
                                                [&] { return core.connections.empty(); });
    if (!drained)
      log::warn("shutdown grace period over; closing busy connections",
                {{"connections", core.connections.size()}});
  }
  // 3. Stop the network threads. Late answers post into the stopped io_context and are
  //    dropped when the last exchange releases Core.
  core.work.reset();
  core.ioc->stop();
  for (auto& t : core.threads)
    if (t.joinable()) t.join();
  core.threads.clear();
}

}  // namespace admit::http
