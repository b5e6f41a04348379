// The only translation unit that includes Beast (see message.hpp): the HTTP sessions. The
// Asio-only part (io_context, threads, acceptor, signals) is network.cpp; the rules that
// need neither are wire.cpp and exchange.cpp.
#include "http/server.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include "common/log.hpp"
#include "http/compression.hpp"
#include "http/descriptor_limit.hpp"
#include "http/exchange.hpp"
#include "http/middleware.hpp"
#include "http/network.hpp"
#include "http/wire.hpp"

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

}  // namespace

// Everything the network threads touch. It owns the io_context and is shared with pending
// exchanges, so an answer that arrives after the Server is gone still posts somewhere valid.
struct Server::Core : std::enable_shared_from_this<Server::Core>, HandoffTarget {
  struct Connection {
    Connection(tcp::socket&& socket, std::string peer, std::string cap_key, std::size_t loop)
        : stream(std::move(socket)), peer(std::move(peer)), cap_key(std::move(cap_key)), loop(loop) {}
    beast::tcp_stream stream;
    const std::string peer;     // the client address, canonical text ("" when unknown)
    const std::string cap_key;  // what the per-address cap counts: the address, or its /64
    const std::size_t loop;     // the network loop it lives on (Network::loops)
    bool idle = true;  // waiting for the next request (touched only on its loop)
  };

  // One request's way back to its connection (Exchange, exchange.hpp): the awaiting
  // coroutine resumes through this type-erased completion, posted to the connection's loop.
  template <class Handler>
  struct CompletionImpl final : Completion {
    CompletionImpl(Handler h, asio::any_io_executor fallback, std::size_t loop_index)
        : handler(std::move(h)), fallback(std::move(fallback)) {
      loop = loop_index;
    }
    void run() override {
      auto ex = asio::get_associated_executor(handler, fallback);
      asio::post(ex, [h = std::move(handler), r = std::move(response),
                      route = std::move(route)]() mutable { std::move(h)(std::move(r), std::move(route)); });
    }
    Handler handler;
    asio::any_io_executor fallback;
  };

  // HandoffTarget: answers from one batch reach each connection's loop in one post per loop
  // holding answers; there each answer resumes its connection with a post into the loop's
  // own thread-private queue, which takes no lock.
  void run_all(HandoffTasks tasks) override {
    if (tasks.size() == 1) {
      tasks.front()->run();
      return;
    }
    auto shares = split_by_loop(std::move(tasks), net.loops.size());
    for (std::size_t i = 0; i < shares.size(); ++i) {
      if (shares[i].empty()) continue;
      asio::post(*net.loops[i], [share = std::move(shares[i])]() mutable {
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
        connections(options.max_connections_per_address, options.per_address_exempt),
        net(options.io_threads) {}

  // Destroys pending handlers (coroutine frames) while the rest of Core is still alive.
  ~Core() { net.reset(); }

  // What reading one request gave: a request to answer, a rejection to answer before
  // closing (400, 413, 501), or a close (the peer left, timed out, or the server drains).
  struct Incoming {
    enum class Kind { request, rejection, close };
    Kind kind = Kind::close;
    Request request;
    Error rejection;
    unsigned version = 11;
    bool keep_alive = false;  // the client asked to keep the connection
    std::chrono::steady_clock::time_point started_at = std::chrono::steady_clock::now();
  };

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> session(std::shared_ptr<Connection> connection);
  // Waits for the next request on the connection (`first`: its first) and reads it whole.
  asio::awaitable<Incoming> read_request(Connection& connection, beast::flat_buffer& buffer,
                                         bool first);
  // Reads the body announced by `parser`'s head into `in` (a rejection or close on failure).
  asio::awaitable<void> read_body(Connection& connection, beast::flat_buffer& buffer,
                                  bhttp::request_parser<bhttp::string_body>& parser,
                                  std::size_t limit, Incoming& in);
  // Dispatches a read request and writes its answer; false when the connection must close.
  asio::awaitable<bool> answer(Connection& connection, Incoming& in);
  asio::awaitable<void> reject(Connection& connection, const Error& error,
                               const std::string& request_id,
                               std::chrono::steady_clock::time_point started_at,
                               const std::string& peer);
  asio::awaitable<std::tuple<Response, std::string>> dispatch(Request request, std::size_t loop);
  asio::awaitable<std::size_t> send(Connection& connection, Response response, unsigned version,
                                    bool keep_alive, bool head_only, const std::string& request_id,
                                    bool& ok);
  void request_stop();

  ServerOptions options;
  Metrics& metrics;
  const Router& router;
  Dispatcher dispatcher;
  const HeaderList security;
  ConnectionRegistry<Connection> connections;  // for the caps and graceful shutdown
  Network net;  // io_context, network threads, acceptor, signals
  std::atomic<bool> draining{false};
  std::atomic<std::uint64_t> refused{0};
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
    // Each connection lives on one loop (network.hpp), chosen round robin.
    const std::size_t loop = net.next_loop();
    auto [ec, socket] = co_await net.acceptor->async_accept(
        asio::any_io_executor(net.loops[loop]->get_executor()), kUseTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !net.acceptor->is_open()) co_return;
      // Out of descriptors and the like: back off briefly instead of spinning.
      log::warn("accept failed", {{"error", ec.message()}});
      asio::steady_timer timer(net.acceptor->get_executor(), std::chrono::milliseconds(50));
      co_await timer.async_wait(kUseTuple);
      continue;
    }
    if (draining.load()) continue;  // closes the socket
    if (connections.size() >= options.max_connections) {
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
      cap_key = Network::cap_key(endpoint.address());
    }
    socket.set_option(tcp::no_delay(true), ignored);
    auto connection =
        std::make_shared<Connection>(std::move(socket), std::move(peer), std::move(cap_key), loop);
    if (!connections.add(connection)) {
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

asio::awaitable<std::tuple<Response, std::string>> Server::Core::dispatch(Request request,
                                                                           std::size_t loop) {
  // An answer memory holds goes out at once: no exchange, no post back to the loop.
  {
    std::optional<Response> now;
    std::string route;
    if (dispatcher.answer_now(request, route, now))
      co_return std::tuple<Response, std::string>(std::move(*now), std::move(route));
  }
  auto initiate = [this, &request, loop](auto handler) {
    using Handler = decltype(handler);
    auto fallback = asio::any_io_executor(net.loops[loop]->get_executor());
    auto exchange = std::make_shared<Exchange>(
        shared_from_this(), std::move(request),
        std::make_unique<CompletionImpl<Handler>>(std::move(handler), std::move(fallback), loop));
    run_exchange(dispatcher, *options.pool, exchange);
  };
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable),
                                          void(Response, std::string)>(initiate, asio::use_awaitable);
}

// Writes `response` with the common headers; returns the body bytes sent, sets ok=false
// when the write failed.
asio::awaitable<std::size_t> Server::Core::send(Connection& connection, Response response,
                                                unsigned version, bool keep_alive,
                                                bool head_only, const std::string& request_id,
                                                bool& ok) {
  ensure_valid_status(response, request_id);
  if (!response.file_path.empty() && !body_forbidden(response.status)) {
    // A file that appeared after start (StaticFiles::serve): opened now and sent like the
    // large files StaticFiles holds open.
    response.open_file = OpenFile::open(response.file_path);
    if (!response.open_file) {
      log::warn("file not readable", {{"request_id", request_id}, {"path", response.file_path}});
      response = Response::problem(Error::not_found("file"), request_id);
    }
  }

  // The head is written here into one string and goes out with a string body in one gather
  // write, or before a file's bytes, which sendfile(2) sends from the page cache. Beast's serializer walks a long chain of small
  // buffers and allocates a node per header; it was the largest single cost of the network
  // threads in the flash-sale profile (bench/README.md).
  const bool forbidden = body_forbidden(response.status);
  const auto reason = bhttp::obsolete_reason(bhttp::int_to_status(static_cast<unsigned>(response.status)));
  std::string head = response_head(response, std::string_view(reason.data(), reason.size()), version,
                                   keep_alive, forbidden, request_id, security);
  const std::string_view body = response.body_view();  // a shared body is never copied
  const std::size_t bytes = forbidden || head_only ? 0 : body.size();
  connection.stream.expires_after(options.body_timeout);
  if (response.open_file && !forbidden && !head_only) {
    auto [ec, n] = co_await asio::async_write(connection.stream, asio::buffer(head), kUseTuple);
    ok = !ec && co_await send_file(connection.stream.socket(), response.open_file->fd,
                                   response.open_file->size, options.body_timeout);
    co_return ok ? static_cast<std::size_t>(response.open_file->size) : 0;
  }
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
  const std::string route = "invalid";
  record_request(metrics, options.access_log,
                 {request_id, Method::other, "-", route, status, started_at, bytes, peer});
  if (!ok) co_return;
  // Lingering close: the client may still be sending the body we refused. Closing with
  // unread data makes the kernel send RST, which can destroy our answer before the client
  // reads it; so stop sending, then drain briefly (at most 1 s and 64 MiB) before closing.
  // The time bounds the cost; the byte cap is far above any refused body a client sends in
  // that second over a real network, since stopping early brings the RST back.
  error_code ignored;
  connection.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  connection.stream.expires_after(std::chrono::seconds(1));
  std::array<char, 65536> sink;
  for (std::size_t drained = 0; drained < (std::size_t{64} << 20);) {
    auto [ec, n] = co_await connection.stream.async_read_some(asio::buffer(sink), kUseTuple);
    if (ec) break;
    drained += n;
  }
}

asio::awaitable<void> Server::Core::session(std::shared_ptr<Connection> connection) {
  struct Unregister {
    Core* core;
    Connection* connection;
    ~Unregister() { core->connections.remove(connection); }
  } unregister{this, connection.get()};

  beast::flat_buffer buffer;
  bool first = true;
  for (;;) {
    Incoming in = co_await read_request(*connection, buffer, first);
    first = false;
    if (in.kind == Incoming::Kind::close) break;
    if (in.kind == Incoming::Kind::rejection) {
      if (in.request.request_id.empty()) in.request.request_id = new_request_id();
      co_await reject(*connection, in.rejection, in.request.request_id, in.started_at, connection->peer);
      break;
    }
    const bool keep_open = co_await answer(*connection, in);
    if (!keep_open) break;
  }

  error_code ignored;
  connection->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  connection->stream.socket().close(ignored);
}

asio::awaitable<Server::Core::Incoming> Server::Core::read_request(Connection& connection,
                                                                   beast::flat_buffer& buffer,
                                                                   bool first) {
  Incoming in;
  beast::tcp_stream& stream = connection.stream;
  // Wait for the next request's first byte (idle keep-alive connections can be closed).
  if (buffer.size() == 0) {
    if (buffer.capacity() > 64 * 1024) buffer.shrink_to_fit();
    connection.idle = true;
    if (draining.load()) co_return in;
    stream.expires_after(first ? options.header_timeout : options.idle_timeout);
    auto [ec, n] = co_await stream.async_read_some(buffer.prepare(8192), kUseTuple);
    connection.idle = false;
    if (ec) co_return in;
    buffer.commit(n);
  }

  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // per route, below
  // The head is parsed from what the first read brought, reading more only while it is
  // incomplete: a whole head costs no further operation (Beast's async_read_header posts
  // its completion even when it had nothing to read).
  error_code header_ec;
  bool timer_set = false;
  for (;;) {
    if (buffer.size() > 0) {
      header_ec = {};
      buffer.consume(parser.put(buffer.data(), header_ec));
      if (!header_ec && parser.is_header_done()) break;
      if (header_ec && header_ec != bhttp::error::need_more) break;
    }
    if (!timer_set) stream.expires_after(options.header_timeout);
    timer_set = true;
    auto [ec, n] = co_await stream.async_read_some(buffer.prepare(8192), kUseTuple);
    if (ec) co_return in;  // the peer left or timed out: close quietly
    buffer.commit(n);
  }
  in.started_at = std::chrono::steady_clock::now();
  if (header_ec) {
    in.kind = Incoming::Kind::rejection;
    if (header_ec == bhttp::error::header_limit)
      in.rejection = Error::bad_request("The request headers are too large.");
    else if (header_ec == bhttp::error::bad_transfer_encoding ||
             header_ec == bhttp::error::bad_content_length)
      in.rejection = Error::bad_request(
          "The request's Content-Length or Transfer-Encoding is not valid (both given, or one "
          "given twice).");
    else
      in.rejection = Error::bad_request("The request is not valid HTTP/1.1.");
    co_return in;
  }

  auto& message = parser.get();
  Request& request = in.request;
  request.method = to_method(message.method());
  request.target = std::string(message.target());
  request.headers.reserve(16);
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    request.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  in.version = message.version();
  std::string_view raw_path;  // into request.target
  if (auto bad = read_request_head(request, in.version, connection.peer, options.trust_proxy, raw_path)) {
    in.kind = Incoming::Kind::rejection;
    in.rejection = std::move(*bad);
    co_return in;
  }
  // Body: the limit of the route, checked up front when Content-Length announces it (a
  // request without a body, most of them, needs no route look-up here).
  const std::size_t limit = parser.is_done() ? 0 : router.body_limit_for(request.method, raw_path);
  co_await read_body(connection, buffer, parser, limit, in);
  co_return in;
}

asio::awaitable<void> Server::Core::read_body(Connection& connection, beast::flat_buffer& buffer,
                                              bhttp::request_parser<bhttp::string_body>& parser,
                                              std::size_t limit, Incoming& in) {
  beast::tcp_stream& stream = connection.stream;
  if (auto length = parser.content_length(); length && *length > limit) {
    in.kind = Incoming::Kind::rejection;
    in.rejection = body_too_large(limit);
    co_return;
  }
  parser.body_limit(limit);
  if (!parser.is_done()) {
    if (beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      stream.expires_after(options.body_timeout);
      auto [ec, n] = co_await asio::async_write(stream, asio::buffer(kContinue), kUseTuple);
      if (ec) co_return;  // close quietly
    }
    stream.expires_after(options.body_timeout);
    auto [body_ec, body_n] = co_await bhttp::async_read(stream, buffer, parser, kUseTuple);
    if (body_ec) {
      if (body_ec == beast::error::timeout || body_ec == asio::error::operation_aborted ||
          body_ec == bhttp::error::end_of_stream || body_ec == asio::error::eof ||
          body_ec == bhttp::error::partial_message || body_ec == asio::error::connection_reset)
        co_return;  // close quietly
      in.kind = Incoming::Kind::rejection;
      in.rejection = body_ec == bhttp::error::body_limit
                         ? body_too_large(limit)
                         : Error::bad_request("The request body is not valid.");
      co_return;
    }
  }
  in.request.body = std::move(parser.get().body());
  in.keep_alive = parser.get().keep_alive();
  in.kind = Incoming::Kind::request;
}

asio::awaitable<bool> Server::Core::answer(Connection& connection, Incoming& in) {
  const std::string request_id = in.request.request_id;
  const Method method = in.request.method;
  const bool head_only = method == Method::head;
  // The access line is built only when it will be written (the bench runs at warn).
  const bool access_log = options.access_log && log::enabled(log::Level::info);
  std::string remote = access_log ? in.request.remote_address : std::string();
  const AcceptedEncodings accepted = parse_accept_encoding(in.request.header("accept-encoding"));
  auto [response, route] = co_await dispatch(std::move(in.request), connection.loop);
  build_later_body(response, request_id, route);
  compress_if_worthwhile(response, accepted);

  const bool keep_alive = in.keep_alive && !draining.load();
  const int status = response.status;
  bool ok = false;
  std::size_t bytes = co_await send(connection, std::move(response), in.version, keep_alive,
                                    head_only, request_id, ok);
  record_request(metrics, access_log,
                 {request_id, method, to_string(method), route, status, in.started_at, bytes, remote});
  co_return ok && keep_alive;
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
  core.net.listen(core.options.listen);
  asio::co_spawn(core.net.acceptor->get_executor(), core.accept_loop(), asio::detached);
  core.net.run_threads();
  core.started = true;
  log::info("listening", {{"address", core.options.listen}, {"port", core.net.bound_port}});
}

std::uint16_t Server::port() const { return core_->net.bound_port; }

std::size_t Server::connection_count() const { return core_->connections.size(); }

std::uint64_t Server::refused_connections() const { return core_->refused.load(); }

std::uint64_t Server::refused_per_address() const { return core_->refused_address.load(); }

void Server::run_until_signal() {
  Core& core = *core_;
  {
    std::lock_guard lock(core.state_mutex);
    if (!core.started) throw std::logic_error("Server::run_until_signal before start");
    core.net.on_signals([c = &core](int signal_number) {
      log::info("shutting down", {{"signal", signal_number}});
      c->request_stop();
    });
  }
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
  core.net.close_acceptor();
  core.connections.for_each([](std::shared_ptr<Core::Connection> connection) {
    auto ex = connection->stream.get_executor();
    asio::post(ex, [connection = std::move(connection)] {
      if (connection->idle) connection->stream.cancel();
    });
  });
  // 2. Let in-flight requests finish.
  if (auto busy = core.connections.wait_until_empty(core.options.shutdown_grace); busy > 0)
    log::warn("shutdown grace period over; closing busy connections", {{"connections", busy}});
  // 3. Stop the network threads. Late answers post into the stopped io_context and are
  //    dropped when the last exchange releases Core.
  core.net.stop_threads();
}

}  // namespace admit::http
