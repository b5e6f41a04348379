#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <boost/json/parse.hpp>

#include "http/dispatch.hpp"
#include "http/middleware.hpp"
#include "http/static_files.hpp"

namespace admit::http {
namespace {

Request session_post(std::string path = "/api/v1/events") {
  Request req;
  req.method = Method::post;
  req.path = path;
  req.target = path;
  Principal p;
  p.user_id = "usr_1";
  p.via = Principal::Via::session;
  req.principal = p;
  req.headers = {{"host", "tickets.example.org"}};
  return req;
}

constexpr std::string_view kOrigin = "https://tickets.example.org";

TEST(Csrf, SessionRequestNeedsOriginAndHeader) {
  RouteOptions route;
  auto req = session_post();
  auto refused = check_csrf(req, route, kOrigin);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, ErrorCode::forbidden);
  EXPECT_NE(refused->detail.find("Origin header is missing"), std::string::npos);
  EXPECT_NE(refused->detail.find("X-Admit-CSRF"), std::string::npos);

  req.headers.emplace_back("origin", "https://tickets.example.org");
  refused = check_csrf(req, route, kOrigin);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->detail.find("Origin"), std::string::npos);
  EXPECT_NE(refused->detail.find("X-Admit-CSRF"), std::string::npos);

  req.headers.emplace_back("x-admit-csrf", "1");
  EXPECT_FALSE(check_csrf(req, route, kOrigin));
}

TEST(Csrf, WrongOriginIsRefusedEvenWithHeader) {
  auto req = session_post();
  req.headers.emplace_back("origin", "https://evil.example");
  req.headers.emplace_back("x-admit-csrf", "1");
  auto refused = check_csrf(req, {}, kOrigin);
  ASSERT_TRUE(refused);
  EXPECT_NE(refused->detail.find("does not match"), std::string::npos);
  EXPECT_EQ(refused->detail.find("X-Admit-CSRF"), std::string::npos);
}

TEST(Csrf, RefererStandsInForMissingOrigin) {
  auto req = session_post();
  req.headers.emplace_back("referer", "https://tickets.example.org/events/1?x=y");
  req.headers.emplace_back("x-admit-csrf", "1");
  EXPECT_FALSE(check_csrf(req, {}, kOrigin));
  auto bad = session_post();
  bad.headers.emplace_back("referer", "https://tickets.example.org.evil.example/");
  bad.headers.emplace_back("x-admit-csrf", "1");
  EXPECT_TRUE(check_csrf(bad, {}, kOrigin));
}

TEST(Csrf, ExemptionsAndOutOfScopeRequests) {
  // Bearer tokens, anonymous callers, safe methods, non-API paths, exempt routes.
  auto bearer = session_post();
  bearer.principal->via = Principal::Via::bearer;
  EXPECT_FALSE(check_csrf(bearer, {}, kOrigin));
  auto anonymous = session_post();
  anonymous.principal.reset();
  EXPECT_FALSE(check_csrf(anonymous, {}, kOrigin));
  auto get = session_post();
  get.method = Method::get;
  EXPECT_FALSE(check_csrf(get, {}, kOrigin));
  auto head = session_post();
  head.method = Method::head;
  EXPECT_FALSE(check_csrf(head, {}, kOrigin));
  EXPECT_FALSE(check_csrf(session_post("/logout"), {}, kOrigin));
  EXPECT_FALSE(check_csrf(session_post(), RouteOptions{.csrf_exempt = true}, kOrigin));
  for (Method m : {Method::put, Method::patch, Method::delete_}) {
    auto req = session_post();
    req.method = m;
    EXPECT_TRUE(check_csrf(req, {}, kOrigin)) << to_string(m);
  }
}

TEST(Csrf, WithoutPublicUrlTheHostHeaderDefinesTheOrigin) {
  auto req = session_post();
  req.headers = {{"host", "127.0.0.1:8080"}, {"origin", "http://127.0.0.1:8080"},
                 {"x-admit-csrf", "1"}};
  EXPECT_FALSE(check_csrf(req, {}, ""));
  req.headers[1].second = "http://localhost:8080";
  EXPECT_TRUE(check_csrf(req, {}, ""));
}

TEST(RequestId, SanityAndGeneration) {
  EXPECT_TRUE(is_sane_request_id("abc-DEF_123"));
  EXPECT_TRUE(is_sane_request_id(std::string(64, 'a')));
  EXPECT_FALSE(is_sane_request_id(std::string(65, 'a')));
  EXPECT_FALSE(is_sane_request_id(""));
  EXPECT_FALSE(is_sane_request_id("a b"));
  EXPECT_FALSE(is_sane_request_id("a\"b"));
  auto a = new_request_id();
  auto b = new_request_id();
  EXPECT_NE(a, b);
  EXPECT_TRUE(is_sane_request_id(a));
}

TEST(ClientAddress, ProxyHandling) {
  EXPECT_EQ(client_address("10.0.0.1", std::string_view("1.2.3.4, 5.6.7.8"), false), "10.0.0.1");
  EXPECT_EQ(client_address("10.0.0.1", std::string_view("1.2.3.4, 5.6.7.8 "), true), "5.6.7.8");
  EXPECT_EQ(client_address("10.0.0.1", std::string_view("9.9.9.9"), true), "9.9.9.9");
  EXPECT_EQ(client_address("10.0.0.1", std::nullopt, true), "10.0.0.1");
}

TEST(ClientAddress, ForwardedForMustBeAnIpAddress) {
  // The last entry (our proxy's) counts when it is an IPv4 or IPv6 address, in canonical form.
  EXPECT_EQ(client_address("10.0.0.1", std::string_view("2001:DB8:0:0::1"), true), "2001:db8::1");
  EXPECT_EQ(client_address("10.0.0.1", std::string_view("evil, 2001:db8::7"), true), "2001:db8::7");
  EXPECT_EQ(client_address("10.0.0.1", std::string_view("::ffff:192.0.2.9"), true), "::ffff:192.0.2.9");
  EXPECT_EQ(client_address("10.0.0.1", std::string_view("\t198.51.100.4\t"), true), "198.51.100.4");
  // Anything else falls back to the peer, also when an earlier (client-written) entry is an
  // address: only the last entry comes from the proxy.
  for (std::string_view bad :
       {"not-an-ip", "1.2.3.4, unknown", "1.2.3.4,", "", " ", "198.51.100.4:8080", "[2001:db8::1]",
        "[2001:db8::1]:443", "2001:db8::1%eth0", "256.1.1.1", "1.2.3", "1.2.3.4 5.6.7.8",
        "01.2.3.4", "1.2.3.4\r\nX-Evil: 1", "a-very-long-value-that-is-certainly-not-an-address-at-all-xxxxxxxxxxxxxxxx"}) {
    EXPECT_EQ(client_address("10.0.0.1", bad, true), "10.0.0.1") << "X-Forwarded-For: " << bad;
  }
  // Without trust_proxy the header is never read.
  EXPECT_EQ(client_address("10.0.0.1", std::string_view("192.0.2.1"), false), "10.0.0.1");
}

TEST(ClientAddress, ParsesIpAddressesOnly) {
  EXPECT_EQ(parse_ip_address("192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(parse_ip_address("::1"), "::1");
  EXPECT_EQ(parse_ip_address("2001:0db8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
  EXPECT_EQ(parse_ip_address("0:0:0:0:0:ffff:192.0.2.1"), "::ffff:192.0.2.1");
  EXPECT_FALSE(parse_ip_address(""));
  EXPECT_FALSE(parse_ip_address("localhost"));
  EXPECT_FALSE(parse_ip_address(" 192.0.2.1"));
  EXPECT_FALSE(parse_ip_address(std::string_view("192.0.2.1\0junk", 15)));
  EXPECT_FALSE(parse_ip_address(std::string(46, '1')));
}

TEST(SecurityHeaders, HstsOnlyOverHttps) {
  auto plain = security_headers(false);
  auto tls = security_headers(true);
  EXPECT_EQ(plain.size() + 1, tls.size());
  EXPECT_EQ(tls.back().first, "Strict-Transport-Security");
  EXPECT_EQ(plain[0].first, "Content-Security-Policy");
  EXPECT_NE(plain[0].second.find("frame-ancestors 'none'"), std::string::npos);
}

// ---- static files ----

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("admit-static-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "-" + new_request_id());
    std::filesystem::create_directories(root_ / "assets");
    std::ofstream(root_ / "index.html") << "<!doctype html><title>admit</title>";
    std::ofstream(root_ / "assets" / "app-1a2b.js") << "console.log(1)";
    std::ofstream(root_ / "favicon.ico") << "ico";
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  std::filesystem::path root_;
};

std::string header_of(const Response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers)
    if (n == name) return v;
  return {};
}

TEST_F(StaticFilesTest, ServesIndexAssetsAndSpaFallback) {
  StaticFiles files(root_.string());
  auto index = files.serve("/", "r");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.file_path, (root_ / "index.html").string());
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(header_of(index, "Cache-Control"), "no-cache");

  auto asset = files.serve("/assets/app-1a2b.js", "r");
  EXPECT_EQ(asset.file_path, (root_ / "assets" / "app-1a2b.js").string());
  EXPECT_EQ(asset.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(header_of(asset, "Cache-Control"), "public, max-age=31536000, immutable");

  auto icon = files.serve("/favicon.ico", "r");
  EXPECT_EQ(icon.content_type, "image/x-icon");

  auto spa = files.serve("/events/evt_1/register", "r");
  EXPECT_EQ(spa.file_path, (root_ / "index.html").string());

  EXPECT_EQ(files.serve("/assets/missing.js", "r").status, 404);
  EXPECT_EQ(files.serve("/missing.png", "r").status, 404);
  EXPECT_EQ(files.serve("/assets", "r").file_path, (root_ / "index.html").string());
}

Request static_request(std::string path, std::vector<std::pair<std::string, std::string>> headers = {}) {
  Request r;
  r.method = Method::get;
  r.target = path;
  r.path = std::move(path);
  r.headers = std::move(headers);
  r.request_id = "r";
  return r;
}

TEST_F(StaticFilesTest, ServesFromMemoryWithTwinsTagsAndDiskFallback) {
  std::ofstream(root_ / "assets" / "app-1a2b.js.br") << "br";  // smaller than the file: used
  std::ofstream(root_ / "assets" / "app-1a2b.js.gz") << "gzip bytes, longer";  // not smaller: unused
  StaticFiles files(root_.string());
  EXPECT_EQ(files.cached_files(), 3u) << "the twins are read with their original";

  auto plain = files.serve_cached(static_request("/assets/app-1a2b.js"));
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->body_view(), "console.log(1)");
  EXPECT_EQ(header_of(*plain, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(header_of(*plain, "Content-Encoding"), "");
  const std::string tag = header_of(*plain, "ETag");
  EXPECT_FALSE(tag.empty());

  auto br = files.serve_cached(static_request("/assets/app-1a2b.js", {{"accept-encoding", "gzip, br"}}));
  EXPECT_EQ(br->body_view(), "br");
  EXPECT_EQ(header_of(*br, "Content-Encoding"), "br");
  EXPECT_EQ(header_of(*br, "Vary"), "Accept-Encoding");
  auto gz = files.serve_cached(static_request("/assets/app-1a2b.js", {{"accept-encoding", "gzip"}}));
  EXPECT_EQ(gz->body_view(), "console.log(1)") << "a twin that is not smaller is not used";

  auto again = files.serve_cached(static_request("/assets/app-1a2b.js", {{"if-none-match", tag}}));
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body_view().empty());

  auto spa = files.serve_cached(static_request("/events/evt_1"));
  EXPECT_EQ(spa->body_view(), "<!doctype html><title>admit</title>");
  EXPECT_EQ(header_of(*spa, "Cache-Control"), "no-cache");
  EXPECT_EQ(files.serve_cached(static_request("/../x"))->status, 400);

  // A file written after start: only the disk can tell.
  std::ofstream(root_ / "assets" / "late-9z.js") << "late";
  EXPECT_FALSE(files.serve_cached(static_request("/assets/late-9z.js")));
  EXPECT_EQ(files.serve("/assets/late-9z.js", "r").file_path, (root_ / "assets" / "late-9z.js").string());
}

TEST_F(StaticFilesTest, LargeFilesAreHeldOpenNotInMemory) {
  const std::string big(StaticFiles::kSendfileMinBytes, 'a');
  std::ofstream(root_ / "assets" / "big-3c.js", std::ios::binary) << big;
  std::ofstream(root_ / "assets" / "big-3c.js.gz", std::ios::binary) << "gz";
  StaticFiles files(root_.string());
  EXPECT_EQ(files.open_files(), 2u) << "the file and its smaller twin";
  EXPECT_LT(files.cached_bytes(), big.size()) << "neither is held in memory";

  auto plain = files.serve_cached(static_request("/assets/big-3c.js"));
  ASSERT_TRUE(plain);
  ASSERT_TRUE(plain->open_file);
  EXPECT_EQ(plain->open_file->size, big.size());
  EXPECT_TRUE(plain->body_view().empty());
  EXPECT_EQ(header_of(*plain, "Vary"), "Accept-Encoding");
  auto gz = files.serve_cached(static_request("/assets/big-3c.js", {{"accept-encoding", "gzip"}}));
  ASSERT_TRUE(gz->open_file);
  EXPECT_EQ(gz->open_file->size, 2u);
  EXPECT_EQ(header_of(*gz, "Content-Encoding"), "gzip");
  auto again = files.serve_cached(
      static_request("/assets/big-3c.js", {{"if-none-match", header_of(*plain, "ETag")}}));
  EXPECT_EQ(again->status, 304);
  EXPECT_FALSE(again->open_file);
}

TEST_F(StaticFilesTest, RefusesTraversal) {
  StaticFiles files(root_.string());
  EXPECT_EQ(files.serve("/../etc/passwd", "r").status, 400);
  EXPECT_EQ(files.serve("/assets/../../x", "r").status, 400);
  EXPECT_EQ(files.serve("/./index.html", "r").status, 400);
  EXPECT_EQ(files.serve("/a\\..\\b", "r").status, 400);
  EXPECT_EQ(files.serve(std::string("/a\0b", 4), "r").status, 400);
}

TEST(StaticFiles, ContentTypes) {
  EXPECT_EQ(StaticFiles::content_type_for("a.css"), "text/css; charset=utf-8");
  EXPECT_EQ(StaticFiles::content_type_for("a.svg"), "image/svg+xml");
  EXPECT_EQ(StaticFiles::content_type_for("a.png"), "image/png");
  EXPECT_EQ(StaticFiles::content_type_for("a.json"), "application/json");
  EXPECT_EQ(StaticFiles::content_type_for("a.woff2"), "font/woff2");
  EXPECT_EQ(StaticFiles::content_type_for("robots.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(StaticFiles::content_type_for("app.js.map"), "application/json");
  EXPECT_EQ(StaticFiles::content_type_for("noext"), "application/octet-stream");
  EXPECT_EQ(StaticFiles::content_type_for("/x.y/noext"), "application/octet-stream");
  EXPECT_EQ(StaticFiles::content_type_for("/x/.hidden"), "application/octet-stream");
}

TEST(StaticFiles, DisabledAnswers404) {
  StaticFiles files("");
  EXPECT_EQ(files.serve("/", "r").status, 404);
}

// ---- dispatcher ----

class FixedAuthenticator final : public Authenticator {
 public:
  std::optional<Principal> principal;
  bool fail = false;
  int calls = 0;
  std::optional<Principal> authenticate(const Request&) override {
    ++calls;
    if (fail) throw std::runtime_error("database down");
    return principal;
  }
};

struct Dispatched {
  Response response;
  std::string route;
  int answers = 0;
};

Dispatched run(const Dispatcher& d, Request req) {
  Dispatched out;
  d.dispatch(req, out.route, [&](Response r) {
    if (out.answers++ == 0) out.response = std::move(r);
  });
  return out;
}

Request make(Method m, std::string target) {
  Request req;
  req.method = m;
  req.target = target;
  req.path = target.substr(0, target.find('?'));
  req.request_id = "rid";
  return req;
}

TEST(Dispatcher, RoutesAuthenticatesAndLabels) {
  Router router;
  router.get("/api/v1/me", sync([](Request& req) {
               return Response::text(200, req.principal ? req.principal->user_id : "anon");
             }));
  router.get("/api/v1/events/{id}", sync([](Request& req) { return Response::text(200, req.param("id")); }));
  FixedAuthenticator auth;
  auth.principal = Principal{.user_id = "usr_9"};
  Dispatcher d(router, &auth, "https://tickets.example.org", "");

  auto me = run(d, make(Method::get, "/api/v1/me"));
  EXPECT_EQ(me.response.body, "usr_9");
  EXPECT_EQ(me.route, "/api/v1/me");
  EXPECT_EQ(auth.calls, 1);

  auto ev = run(d, make(Method::get, "/api/v1/events/evt%5F1?x=1"));
  EXPECT_EQ(ev.response.body, "evt_1");
  EXPECT_EQ(ev.route, "/api/v1/events/{id}");
}

TEST_F(StaticFilesTest, AnswerNowServesMemoryOnlyAndLeavesTheRestAlone) {
  Router router;
  RouteOptions options;
  options.allow = kPublic;
  options.nonblocking = true;
  options.answer_now = [](Request& req) -> std::optional<Response> {
    if (req.param("id") == "held") return Response::text(200, "from memory");
    return std::nullopt;
  };
  // The same memory behind a route that needs a caller: the access rule holds on this path
  // too, so an anonymous request is left to the usual path (which answers 401).
  RouteOptions members = options;
  members.allow = Allow{};
  router.get("/api/v1/members/{id}", sync([](Request&) { return Response::text(200, "handler"); }),
             members);
  int handler_runs = 0;
  router.get("/api/v1/things/{id}", sync([&](Request&) { ++handler_runs; return Response::text(200, "handler"); }),
             options);
  router.post("/api/v1/things/{id}", sync([](Request&) { return Response::text(201, "made"); }), options);
  router.get("/api/v1/plain", sync([](Request&) { return Response::text(200, "plain"); }));
  Dispatcher d(router, nullptr, "", root_.string());

  auto now = [&](Method m, std::string target, std::string& route) {
    Request r = make(m, target);
    std::optional<Response> out;
    bool answered = d.answer_now(r, route, out);
    EXPECT_EQ(answered, out.has_value());
    return out;
  };
  std::string route;
  auto held = now(Method::get, "/api/v1/things/held", route);
  ASSERT_TRUE(held);
  EXPECT_EQ(held->body, "from memory");
  EXPECT_EQ(route, "/api/v1/things/{id}");
  EXPECT_EQ(handler_runs, 0);
  route.clear();
  EXPECT_FALSE(now(Method::get, "/api/v1/things/other", route)) << "memory does not have it";
  EXPECT_FALSE(now(Method::post, "/api/v1/things/held", route)) << "only GET and HEAD";
  EXPECT_FALSE(now(Method::get, "/api/v1/plain", route)) << "no answer_now";
  EXPECT_FALSE(now(Method::get, "/api/v1/members/held", route)) << "needs a caller";
  EXPECT_FALSE(now(Method::get, "/api/v1/nothing", route)) << "unknown API paths answer the usual way";
  auto page = now(Method::get, "/events/1", route);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->body_view(), "<!doctype html><title>admit</title>");
  EXPECT_EQ(route, "static");
  // The usual path still runs the handler when memory did not answer.
  EXPECT_EQ(run(d, make(Method::get, "/api/v1/things/other")).response.body, "handler");
  EXPECT_EQ(handler_runs, 1);
}

TEST(Dispatcher, UnknownApiPathIs404AndWrongMethod405) {
  Router router;
  router.get("/api/v1/events", sync([](Request&) { return Response::text(200, "x"); }));
  Dispatcher d(router, nullptr, "", "");
  auto missing = run(d, make(Method::get, "/api/v1/nothing"));
  EXPECT_EQ(missing.response.status, 404);
  EXPECT_EQ(missing.response.content_type, "application/problem+json");
  EXPECT_EQ(boost::json::parse(missing.response.body).at("code"), "not_found");
  EXPECT_EQ(missing.route, "unmatched");

  auto wrong = run(d, make(Method::delete_, "/api/v1/events"));
  EXPECT_EQ(wrong.response.status, 405);
  EXPECT_EQ(header_of(wrong.response, "Allow"), "GET, HEAD");

  // No web app configured: other paths are 404 too.
  EXPECT_EQ(run(d, make(Method::get, "/events")).response.status, 404);
}

TEST(Dispatcher, ThrowingHandlerOrAuthenticatorAnswers500Once) {
  Router router;
  router.get("/api/v1/boom", [](Request&, Respond) { throw std::runtime_error("bug"); },
             RouteOptions{.allow = kPublic});
  router.get("/api/v1/twice", [](Request&, Respond respond) {
    respond(Response::text(200, "first"));
    throw std::runtime_error("after answering");
  }, RouteOptions{.allow = kPublic});
  FixedAuthenticator auth;
  Dispatcher d(router, &auth, "", "");
  auto boom = run(d, make(Method::get, "/api/v1/boom"));
  EXPECT_EQ(boom.response.status, 500);
  EXPECT_EQ(boost::json::parse(boom.response.body).at("code"), "internal");

  auto twice = run(d, make(Method::get, "/api/v1/twice"));
  EXPECT_EQ(twice.response.body, "first");

  auth.fail = true;
  EXPECT_EQ(run(d, make(Method::get, "/api/v1/twice")).response.status, 500);
}

TEST(Dispatcher, AppliesCsrfToSessionWrites) {
  Router router;
  int ran = 0;
  router.post("/api/v1/events", sync([&](Request&) { ++ran; return Response::text(201, "made"); }));
  router.post("/api/v1/payments/stripe/webhook", sync([&](Request&) { ++ran; return Response::no_content(); }),
              RouteOptions{.allow = kPublic, .csrf_exempt = true});
  FixedAuthenticator auth;
  auth.principal = Principal{.user_id = "usr_1", .via = Principal::Via::session};
  Dispatcher d(router, &auth, "https://tickets.example.org/", "");

  auto refused = run(d, make(Method::post, "/api/v1/events"));
  EXPECT_EQ(refused.response.status, 403);
  EXPECT_EQ(ran, 0);

  auto ok_req = make(Method::post, "/api/v1/events");
  ok_req.headers = {{"origin", "https://tickets.example.org"}, {"x-admit-csrf", "1"}};
  EXPECT_EQ(run(d, ok_req).response.status, 201);
  EXPECT_EQ(ran, 1);

  EXPECT_EQ(run(d, make(Method::post, "/api/v1/payments/stripe/webhook")).response.status, 204);
  EXPECT_EQ(ran, 2);
}

TEST_F(StaticFilesTest, DispatcherServesWebAppForNonApiPaths) {
  Router router;
  router.get("/healthz", sync([](Request&) { return Response::text(200, "ok"); }),
             RouteOptions{.allow = kPublic});
  Dispatcher d(router, nullptr, "", root_.string());
  auto page = run(d, make(Method::get, "/events/1"));
  EXPECT_EQ(page.route, "static");
  EXPECT_EQ(page.response.body_view(), "<!doctype html><title>admit</title>") << "from memory";
  EXPECT_EQ(run(d, make(Method::head, "/")).response.body_view(), page.response.body_view());
  EXPECT_EQ(run(d, make(Method::get, "/healthz")).response.body, "ok");
  auto post = run(d, make(Method::post, "/events/1"));
  EXPECT_EQ(post.response.status, 405);
  EXPECT_EQ(header_of(post.response, "Allow"), "GET, HEAD");
}

}  // namespace
}  // namespace admit::http
