// Starts a real Server on 127.0.0.1 (port 0) and talks raw HTTP/1.1 to it over blocking sockets.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <boost/json/parse.hpp>

#include "common/handoff.hpp"
#include "common/log.hpp"
#include "common/work_pool.hpp"
#include "http/exchange.hpp"
#include "http/server.hpp"

namespace admit::http {
namespace {

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool ok = false;  // a complete answer was read

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// A blocking client connection with a receive timeout, so a broken server fails the test
// instead of hanging it.
class Client {
 public:
  explicit Client(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { close(); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }

  void send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  // Reads one answer (Content-Length framed; HEAD answers have no body).
  Reply read(bool head = false) {
    Reply r;
    std::size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos)
      if (!fill()) return r;
    std::string head_text = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    std::size_t line_end = head_text.find("\r\n");
    std::string status_line = head_text.substr(0, line_end);
    r.status = std::stoi(status_line.substr(9, 3));
    std::size_t pos = line_end == std::string::npos ? head_text.size() : line_end + 2;
    while (pos < head_text.size()) {
      std::size_t next = head_text.find("\r\n", pos);
      if (next == std::string::npos) next = head_text.size();
      std::string line = head_text.substr(pos, next - pos);
      auto colon = line.find(':');
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      r.headers[name] = value;
      pos = next + 2;
    }
    std::size_t length = 0;
    if (r.headers.count("content-length") && !head) length = std::stoul(r.headers["content-length"]);
    while (buffer_.size() < length)
      if (!fill()) return r;
    r.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    r.ok = true;
    return r;
  }

  Reply request(std::string_view raw, bool head = false) {
    send(raw);
    return read(head);
  }

  // True when the server closed the connection (EOF) before the timeout.
  bool closed_by_server() {
    if (!buffer_.empty()) return false;
    char c;
    ssize_t n = ::recv(fd_, &c, 1, 0);
    return n == 0;
  }

 private:
  bool fill() {
    char chunk[4096];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

class SessionAuthenticator final : public Authenticator {
 public:
  std::optional<Principal> authenticate(const Request& req) override {
    if (req.cookie("sid") == "good")
      return Principal{.user_id = "usr_1", .via = Principal::Via::session};
    if (req.header("authorization") == "Bearer good")
      return Principal{.user_id = "usr_2", .via = Principal::Via::bearer};
    return std::nullopt;
  }
  // Knows the bearer token and the caller without credentials; sessions need the "database".
  bool authenticate_now(const Request& req, std::optional<Principal>& out) override {
    if (req.cookie("sid")) return false;
    out = authenticate(req);
    return true;
  }
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // These routes stand for any route; who may call is the dispatcher's test's concern.
    const RouteOptions kOpen{.allow = kPublic};
    log::set_level(log::Level::error);
    router_.get("/api/ping", sync([](Request& req) {
                  return Response::json(200, {{"pong", true}, {"q", req.query("q").value_or("")}});
                }), kOpen);
    router_.post("/api/echo", sync([](Request& req) { return Response::text(200, req.body); }),
                 RouteOptions{.allow = kPublic, .body_limit = 64});
    router_.get("/api/items/{id}", sync([](Request& req) {
                  return Response::text(200, req.param("id") + "|" + req.remote_address)
                      .header("Cache-Control", "private, max-age=60");
                }), kOpen);
    router_.post("/api/items/{id}", sync([](Request& req) {
                   return Response::text(201, req.principal ? req.principal->user_id : "anon");
                 }), kOpen);
    router_.get("/api/throws", [](Request&, Respond) { throw std::runtime_error("handler bug"); }, kOpen);
    router_.get("/api/drops", [](Request&, Respond) { /* never answers */ }, kOpen);
    router_.get("/api/later", [](Request&, Respond respond) {
      std::thread([respond] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        respond(Response::text(200, "later"));
        respond(Response::text(200, "ignored"));
      }).detach();
    }, kOpen);
    router_.get("/api/block", [this](Request&, Respond respond) {
      gate_.wait();
      respond(Response::text(200, "unblocked"));
    }, kOpen);
    router_.get("/api/bad-header", sync([](Request&) {
                  return Response::text(200, "x").header("X-Evil", "a\r\nSet-Cookie: b=c");
                }), kOpen);
    router_.get("/api/empty", sync([](Request&) { return Response::no_content(); }), kOpen);
    // Says who called and whether it ran on the work pool or the network thread.
    auto where = [this](Request& req) {
      return Response::text(200, std::string(req.principal ? req.principal->user_id : "anon") + "|" +
                                     (pool_.on_pool_thread() ? "pool" : "network"));
    };
    router_.get("/api/where", sync(where), kOpen);
    router_.post("/api/fast", sync(where), RouteOptions{.allow = kPublic, .nonblocking = true});
    // Nonblocking and answered later, many at once, from one HandoffBatch on another thread.
    router_.post(
        "/api/queued",
        [this](Request&, Respond respond) {
          std::lock_guard lock(queued_mu_);
          queued_.push_back(std::move(respond));
          queued_cv_.notify_all();
        },
        RouteOptions{.allow = kPublic, .nonblocking = true});
  }

  void start(ServerOptions options = {}) {
    options.listen = "127.0.0.1:0";
    options.pool = &pool_;
    options.access_log = false;
    options.shutdown_grace = std::chrono::seconds(2);
    server_ = std::make_unique<Server>(options, router_, &auth_, metrics_);
    server_->start();
    ASSERT_NE(server_->port(), 0);
  }

  void TearDown() override {
    if (!released_) release_.set_value();
    server_.reset();
    pool_.stop();
  }

  std::uint16_t port() const { return server_->port(); }

  Router router_;
  Metrics metrics_;
  SessionAuthenticator auth_;
  std::promise<void> release_;
  std::shared_future<void> gate_ = release_.get_future().share();
  bool released_ = false;
  WorkPool pool_{"test-http", 2, 64};
  std::mutex queued_mu_;
  std::condition_variable queued_cv_;
  std::vector<Respond> queued_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  start();
  Client c(port());
  ASSERT_TRUE(c.connected());
  auto a = c.request("GET /api/ping?q=a+b%21 HTTP/1.1\r\nHost: x\r\nX-Request-Id: my-req_1\r\n\r\n");
  ASSERT_TRUE(a.ok);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.header("content-type"), "application/json");
  EXPECT_EQ(boost::json::parse(a.body).at("q"), "a b!");
  EXPECT_EQ(a.header("x-request-id"), "my-req_1");
  EXPECT_EQ(a.header("cache-control"), "no-store");

  auto b = c.request("GET /api/ping HTTP/1.1\r\nHost: x\r\nX-Request-Id: not a sane id\r\n\r\n");
  ASSERT_TRUE(b.ok);
  EXPECT_EQ(b.status, 200);
  EXPECT_FALSE(b.header("x-request-id").empty());
  EXPECT_NE(b.header("x-request-id"), "not a sane id");
  EXPECT_EQ(b.header("connection"), "");

  // Pipelined: two requests in one write, answered in order.
  c.send("GET /api/items/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /api/items/2 HTTP/1.1\r\nHost: x\r\n\r\n");
  auto p1 = c.read();
  auto p2 = c.read();
  EXPECT_EQ(p1.body, "1|127.0.0.1");
  EXPECT_EQ(p2.body, "2|127.0.0.1");
  EXPECT_EQ(p1.header("cache-control"), "private, max-age=60");  // handler's own kept
}

TEST_F(ServerTest, SecurityHeadersOnEveryAnswer) {
  ServerOptions options;
  options.public_url = "https://tickets.example.org";
  start(options);
  Client c(port());
  for (const char* target : {"/api/ping", "/api/nothing", "/elsewhere"}) {
    auto r = c.request(std::string("GET ") + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(r.ok) << target;
    EXPECT_EQ(r.header("content-security-policy"),
              "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
              "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
              "form-action 'self'") << target;
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(r.header("referrer-policy"), "strict-origin-when-cross-origin");
    EXPECT_EQ(r.header("x-frame-options"), "DENY");
    EXPECT_EQ(r.header("cross-origin-opener-policy"), "same-origin");
    EXPECT_EQ(r.header("strict-transport-security"), "max-age=31536000; includeSubDomains");
    EXPECT_FALSE(r.header("x-request-id").empty());
  }
}

TEST_F(ServerTest, NoHstsOverPlainHttp) {
  start();
  Client c(port());
  auto r = c.request("GET /api/ping HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(r.header("strict-transport-security"), "");
}

TEST_F(ServerTest, UnknownApiPathIsProblem404And405HasAllow) {
  start();
  Client c(port());
  auto r = c.request("GET /api/v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  auto doc = boost::json::parse(r.body);
  EXPECT_EQ(doc.at("code"), "not_found");
  EXPECT_EQ(doc.at("status"), 404);

  auto m = c.request("DELETE /api/ping HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(m.header("allow"), "GET, HEAD");
  // The connection survives both.
  EXPECT_EQ(c.request("GET /api/ping HTTP/1.1\r\nHost: x\r\n\r\n").status, 200);
}

TEST_F(ServerTest, OversizedBodyIs413AndCloses) {
  start();
  {
    Client c(port());
    std::string body(100, 'x');
    auto r = c.request("POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + body);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(boost::json::parse(r.body).at("code"), "payload_too_large");
    EXPECT_EQ(r.header("connection"), "close");
    EXPECT_TRUE(c.closed_by_server());
  }
  {
    // Chunked bodies are counted as they arrive.
    Client c(port());
    std::string chunk(80, 'y');
    auto r = c.request("POST /api/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n50\r\n" +
                       chunk + "\r\n0\r\n\r\n");
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.status, 413);
  }
  {
    Client c(port());
    auto r = c.request("POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "hello");
  }
}

TEST_F(ServerTest, AnnouncedOversizedBodyIsRefusedBeforeItIsSent) {
  start();
  Client c(port());
  c.send("POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n" +
         std::string(1000, 'z'));
  auto r = c.read();
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.status, 413);
  c.send(std::string(100000, 'z'));  // the client keeps sending; the server drains, then closes
  EXPECT_TRUE(c.closed_by_server());
}

TEST_F(ServerTest, ExpectContinue) {
  start();
  Client c(port());
  auto interim = c.request(
      "POST /api/echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
  EXPECT_EQ(interim.status, 100);
  auto r = c.request("hello");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello");
  EXPECT_FALSE(r.header("date").empty());
}

TEST_F(ServerTest, MalformedRequestIs400AndCloses) {
  start();
  Client c(port());
  auto r = c.request("GARBAGE\r\n\r\n");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_TRUE(c.closed_by_server());

  Client d(port());
  auto bad_path = d.request("GET /api/items/%zz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(bad_path.status, 400);

  Client e(port());
  std::string huge(20000, 'a');
  auto big = e.request("GET /api/ping HTTP/1.1\r\nHost: x\r\nX-Big: " + huge + "\r\n\r\n");
  EXPECT_EQ(big.status, 400);
}

TEST_F(ServerTest, HandlerFailuresAnswer500ExactlyOnce) {
  start();
  Client c(port());
  auto thrown = c.request("GET /api/throws HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(thrown.status, 500);
  EXPECT_EQ(boost::json::parse(thrown.body).at("code"), "internal");
  auto dropped = c.request("GET /api/drops HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(dropped.status, 500);
  auto later = c.request("GET /api/later HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(later.status, 200);
  EXPECT_EQ(later.body, "later");
  // The second respond() was ignored: the next answer belongs to the next request.
  auto next = c.request("GET /api/items/3 HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(next.body, "3|127.0.0.1");
  // A header with CR/LF from a handler is dropped, not sent.
  auto evil = c.request("GET /api/bad-header HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(evil.status, 200);
  EXPECT_EQ(evil.header("x-evil"), "");
  EXPECT_EQ(evil.header("set-cookie"), "");
}

TEST_F(ServerTest, HeadAndNoContent) {
  start();
  Client c(port());
  auto h = c.request("HEAD /api/items/7 HTTP/1.1\r\nHost: x\r\n\r\n", /*head=*/true);
  ASSERT_TRUE(h.ok);
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.header("content-length"), std::to_string(std::string("7|127.0.0.1").size()));
  auto e = c.request("GET /api/empty HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(e.status, 204);
  EXPECT_EQ(e.header("content-length"), "");
  EXPECT_EQ(c.request("GET /api/ping HTTP/1.1\r\nHost: x\r\n\r\n").status, 200);
}

TEST_F(ServerTest, CsrfForSessionWritesButNotBearer) {
  ServerOptions options;
  options.public_url = "http://tickets.test";
  start(options);
  Client c(port());
  auto refused = c.request(
      "POST /api/items/1 HTTP/1.1\r\nHost: x\r\nCookie: sid=good\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(boost::json::parse(refused.body).at("code"), "forbidden");
  auto allowed = c.request(
      "POST /api/items/1 HTTP/1.1\r\nHost: x\r\nCookie: sid=good\r\nOrigin: http://tickets.test\r\n"
      "X-Admit-CSRF: 1\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(allowed.status, 201);
  EXPECT_EQ(allowed.body, "usr_1");
  auto bearer = c.request(
      "POST /api/items/1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer good\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(bearer.status, 201);
  EXPECT_EQ(bearer.body, "usr_2");
}

TEST_F(ServerTest, NonblockingRoutesRunOnTheNetworkThreadWhenTheCallerIsKnownAtOnce) {
  ServerOptions options;
  options.public_url = "http://tickets.test";
  start(options);
  Client c(port());
  auto bearer = c.request(
      "POST /api/fast HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer good\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(bearer.status, 200);
  EXPECT_EQ(bearer.body, "usr_2|network");
  auto anonymous = c.request("POST /api/fast HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(anonymous.body, "anon|network");
  // A session needs the database: the same route then runs on the pool (CSRF still applies).
  auto session = c.request(
      "POST /api/fast HTTP/1.1\r\nHost: x\r\nCookie: sid=good\r\nOrigin: http://tickets.test\r\n"
      "X-Admit-CSRF: 1\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(session.status, 200);
  EXPECT_EQ(session.body, "usr_1|pool");
  // Routes not marked nonblocking always run on the pool.
  auto other = c.request("GET /api/where HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer good\r\n\r\n");
  EXPECT_EQ(other.body, "usr_2|pool");
}

TEST_F(ServerTest, AnswersHandedBackInOneBatchReachEveryConnection) {
  start();
  constexpr int kClients = 20;
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<Client>(port()));
    clients.back()->send("POST /api/queued HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  }
  std::vector<Respond> waiting;
  {
    std::unique_lock lock(queued_mu_);
    ASSERT_TRUE(queued_cv_.wait_for(lock, std::chrono::seconds(10),
                                    [&] { return queued_.size() == kClients; }));
    waiting.swap(queued_);
  }
  std::thread answerer([&] {
    HandoffBatch batch;
    for (int i = 0; i < kClients; ++i) waiting[i](Response::text(200, "answer " + std::to_string(i)));
  });
  answerer.join();
  std::set<std::string> bodies;
  for (auto& c : clients) {
    auto r = c->read();
    EXPECT_EQ(r.status, 200);
    bodies.insert(r.body);
  }
  EXPECT_EQ(bodies.size(), static_cast<std::size_t>(kClients));  // each got its own answer
}

TEST_F(ServerTest, OneAddressHoldsAtMostItsShareOfConnections) {
  ServerOptions options;
  options.max_connections_per_address = 2;
  start(options);
  Client a(port());
  Client b(port());
  EXPECT_EQ(a.request("GET /api/ping HTTP/1.1\r\nHost: x\r\n\r\n").status, 200);
  EXPECT_EQ(b.request("GET /api/ping HTTP/1.1\r\nHost: x\r\n\r\n").status, 200);
  Client c(port());
  EXPECT_FALSE(c.request("GET /api/ping HTTP/1.1\r\nHost: x\r\n\r\n").ok);  // closed unanswered
  EXPECT_EQ(server_->refused_per_address(), 1u);
  EXPECT_EQ(server_->refused_connections(), 0u);
  a.close();
  for (int i = 0; i < 200 && server_->connection_count() > 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  Client d(port());
  EXPECT_EQ(d.request("GET /api/ping HTTP/1.1\r\nHost: x\r\n\r\n").status, 200);
}

TEST_F(ServerTest, AnExemptAddressIsNotCapped) {
  ServerOptions options;
  options.max_connections_per_address = 1;
  options.per_address_exempt = {"127.0.0.1"};
  start(options);
  Client a(port());
  Client b(port());
  EXPECT_EQ(a.request("GET /api/ping HTTP/1.1\r\nHost: x\r\n\r\n").status, 200);
  EXPECT_EQ(b.request("GET /api/ping HTTP/1.1\r\nHost: x\r\n\r\n").status, 200);
  EXPECT_EQ(server_->refused_per_address(), 0u);
}

TEST_F(ServerTest, AmbiguousFramingIsRefusedAndTheConnectionClosed) {
  start();
  struct Case {
    const char* request;
    int status;
  };
  for (const Case& k : {Case{"GET /api/ping HTTP/1.1\r\n\r\n", 400},
                        Case{"GET /api/ping HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
                        Case{"POST /api/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 501},
                        Case{"POST /api/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\nContent-Length: 5\r\n\r\nhello", 400},
                        Case{"POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400}}) {
    Client c(port());
    auto r = c.request(k.request);
    EXPECT_EQ(r.status, k.status) << k.request;
    EXPECT_EQ(r.headers["connection"], "close") << k.request;
    EXPECT_TRUE(c.closed_by_server()) << k.request;
  }
}

TEST_F(ServerTest, ConnectionsBeyondTheLimitAreClosedAtAccept) {
  ServerOptions options;
  options.max_connections = 2;
  start(options);
  Client a(port());
  Client b(port());
  EXPECT_EQ(a.request("GET /api/ping HTTP/1.1\r\nHost: x\r\n\r\n").status, 200);
  EXPECT_EQ(b.request("GET /api/ping HTTP/1.1\r\nHost: x\r\n\r\n").status, 200);
  EXPECT_EQ(server_->connection_count(), 2u);
  Client c(port());
  auto refused = c.request("GET /api/ping HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_FALSE(refused.ok);  // closed without an answer
  EXPECT_EQ(server_->refused_connections(), 1u);
  // Room again once one closes.
  a.close();
  for (int i = 0; i < 200 && server_->connection_count() > 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  Client d(port());
  EXPECT_EQ(d.request("GET /api/ping HTTP/1.1\r\nHost: x\r\n\r\n").status, 200);
  EXPECT_EQ(b.request("GET /api/ping HTTP/1.1\r\nHost: x\r\n\r\n").status, 200);
}

TEST_F(ServerTest, FullPoolAnswers503WithRetryAfter) {
  // A pool of one thread and a queue of one: the third concurrent request is refused.
  WorkPool tiny("tiny", 1, 1);
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.pool = &tiny;
  options.access_log = false;
  server_ = std::make_unique<Server>(options, router_, &auth_, metrics_);
  server_->start();
  Client a(port()), b(port()), c(port());
  a.send("GET /api/block HTTP/1.1\r\nHost: x\r\n\r\n");
  // Wait until the worker is busy with a's request, then fill the queue with b's.
  for (int i = 0; i < 500 && tiny.busy() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  b.send("GET /api/ping HTTP/1.1\r\nHost: x\r\n\r\n");
  for (int i = 0; i < 500 && tiny.queue_depth() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  auto refused = c.request("GET /api/ping HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.header("retry-after"), "1");
  EXPECT_EQ(boost::json::parse(refused.body).at("code"), "unavailable");
  released_ = true;
  release_.set_value();
  EXPECT_EQ(a.read().body, "unblocked");
  EXPECT_EQ(b.read().status, 200);
  server_.reset();
  tiny.stop();
}

TEST_F(ServerTest, ServesTheWebApp) {
  auto root = std::filesystem::temp_directory_path() / ("admit-web-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root / "assets");
  std::ofstream(root / "index.html") << "<!doctype html><title>admit</title>";
  std::ofstream(root / "assets" / "app-1.js") << "console.log(1)";
  ServerOptions options;
  options.web_root = root.string();
  start(options);
  Client c(port());
  auto index = c.request("GET /events/evt_1 HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.body, "<!doctype html><title>admit</title>");
  EXPECT_EQ(index.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(index.header("cache-control"), "no-cache");
  auto js = c.request("GET /assets/app-1.js HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(js.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js.header("cache-control"), "public, max-age=31536000, immutable");
  auto head = c.request("HEAD /assets/app-1.js HTTP/1.1\r\nHost: x\r\n\r\n", true);
  EXPECT_EQ(head.header("content-length"), "14");
  auto traversal = c.request("GET /assets/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(traversal.status, 400);
  EXPECT_EQ(c.request("GET /api/nothing HTTP/1.1\r\nHost: x\r\n\r\n").status, 404);
  std::filesystem::remove_all(root);
}

// Files of StaticFiles::kSendfileMinBytes or more go out with sendfile(2) from an open file:
// the exact bytes, Content-Length, the twin the client accepts, HEAD and 304 as for files
// in memory, and the connection stays usable after each; so does a file written after start.
TEST_F(ServerTest, ServesLargeFilesWithSendfile) {
  auto root = std::filesystem::temp_directory_path() / ("admit-web-large-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root / "assets");
  std::ofstream(root / "index.html") << "<!doctype html><title>admit</title>";
  std::string big;
  for (int i = 0; big.size() < 300 * 1024; ++i) big += "line " + std::to_string(i) + " of a large script\n";
  const std::string packed(70 * 1024, 'z');  // stands in for the gzip twin: smaller, also large
  std::ofstream(root / "assets" / "big-1.js", std::ios::binary) << big;
  std::ofstream(root / "assets" / "big-1.js.gz", std::ios::binary) << packed;
  std::ofstream(root / "assets" / "big-1.js.br", std::ios::binary) << "br";  // small twin: in memory
  ServerOptions options;
  options.web_root = root.string();
  start(options);
  Client c(port());
  auto plain = c.request("GET /assets/big-1.js HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(plain.ok);
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(plain.header("content-length"), std::to_string(big.size()));
  EXPECT_TRUE(plain.body == big) << "the identity bytes, exactly";
  EXPECT_EQ(plain.header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(plain.header("vary"), "Accept-Encoding");
  const std::string tag = plain.header("etag");
  ASSERT_FALSE(tag.empty());

  auto gz = c.request("GET /assets/big-1.js HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n");
  EXPECT_EQ(gz.header("content-encoding"), "gzip");
  EXPECT_EQ(gz.header("content-length"), std::to_string(packed.size()));
  EXPECT_TRUE(gz.body == packed);
  auto br = c.request("GET /assets/big-1.js HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip, br\r\n\r\n");
  EXPECT_EQ(br.header("content-encoding"), "br");
  EXPECT_EQ(br.body, "br");

  auto head = c.request("HEAD /assets/big-1.js HTTP/1.1\r\nHost: x\r\n\r\n", true);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-length"), std::to_string(big.size()));
  auto again = c.request("GET /assets/big-1.js HTTP/1.1\r\nHost: x\r\nIf-None-Match: " + tag + "\r\n\r\n");
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());

  std::ofstream(root / "assets" / "late-2.js", std::ios::binary) << big;  // after start: from disk
  auto late = c.request("GET /assets/late-2.js HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(late.status, 200);
  EXPECT_TRUE(late.body == big);
  auto late_head = c.request("HEAD /assets/late-2.js HTTP/1.1\r\nHost: x\r\n\r\n", true);
  EXPECT_EQ(late_head.header("content-length"), std::to_string(big.size()));
  EXPECT_EQ(c.request("GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n").body, "<!doctype html><title>admit</title>");
  std::filesystem::remove_all(root);
}

// A batch of answers reaches each network loop in one share, in the order given.
TEST(SplitByLoop, OneSharePerLoopInOrder) {
  struct Tagged final : Completion {
    Tagged(std::size_t on, int n) : id(n) { loop = on; }
    void run() override {}
    int id;
  };
  HandoffTasks tasks;
  const std::size_t loops[] = {1, 0, 1, 0, 7};  // 7 is out of range: loop 0
  for (int i = 0; i < 5; ++i) tasks.push_back(std::make_unique<Tagged>(loops[i], i));
  auto shares = split_by_loop(std::move(tasks), 2);
  ASSERT_EQ(shares.size(), 2u);
  auto ids = [](const HandoffTasks& share) {
    std::vector<int> out;
    for (const auto& t : share) out.push_back(static_cast<const Tagged&>(*t).id);
    return out;
  };
  EXPECT_EQ(ids(shares[0]), (std::vector<int>{1, 3, 4}));
  EXPECT_EQ(ids(shares[1]), (std::vector<int>{0, 2}));
}

TEST_F(ServerTest, RecordsMetrics) {
  start();
  Client c(port());
  c.request("GET /api/items/1 HTTP/1.1\r\nHost: x\r\n\r\n");
  c.request("GET /api/nothing HTTP/1.1\r\nHost: x\r\n\r\n");
  // Metrics are recorded once the answer is written, which may be just after we read it.
  auto has = [&](std::string_view line) {
    for (int i = 0; i < 200; ++i) {
      if (metrics_.render().find(line) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  };
  EXPECT_TRUE(has("admit_http_requests_total{route=\"/api/items/{id}\",method=\"GET\",status=\"200\"} 1"));
  EXPECT_TRUE(has("admit_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1"));
  EXPECT_TRUE(has("admit_http_request_duration_seconds_count{route=\"/api/items/{id}\"} 1"));
}

TEST_F(ServerTest, StopClosesIdleConnectionsAndFinishesInFlight) {
  start();
  Client idle(port());
  ASSERT_EQ(idle.request("GET /api/ping HTTP/1.1\r\nHost: x\r\n\r\n").status, 200);
  Client busy(port());
  busy.send("GET /api/block HTTP/1.1\r\nHost: x\r\n\r\n");
  for (int i = 0; i < 500 && pool_.busy() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  auto stopping = std::async(std::launch::async, [&] { server_->stop(); });
  EXPECT_TRUE(idle.closed_by_server());
  released_ = true;
  release_.set_value();
  auto r = busy.read();
  EXPECT_EQ(r.body, "unblocked");
  EXPECT_EQ(r.header("connection"), "close");
  stopping.get();
  Client refused(port());
  EXPECT_FALSE(refused.connected());
}

}  // namespace
}  // namespace admit::http
