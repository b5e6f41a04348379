#include <gtest/gtest.h>

#include "http/router.hpp"

namespace admit::http {
namespace {

Handler named(std::string name) {
  return sync([name](Request&) { return Response::text(200, name); });
}

std::string run(const RouteMatch& m) {
  Request req;
  std::string body;
  (*m.handler)(req, [&](Response r) { body = r.body; });
  return body;
}

TEST(Router, MatchesExactAndParamSegments) {
  Router r;
  r.get("/api/v1/events", named("list"));
  r.get("/api/v1/events/{id}", named("one"));
  r.post("/api/v1/events/{id}/publish", named("publish"));
  r.get("/api/v1/events/{event_id}/registrations/{id}", named("reg"));

  auto m = r.match(Method::get, "/api/v1/events");
  ASSERT_TRUE(m.handler);
  EXPECT_EQ(run(m), "list");
  EXPECT_EQ(m.name, "/api/v1/events");
  EXPECT_TRUE(m.params.empty());

  m = r.match(Method::get, "/api/v1/events/evt_1");
  ASSERT_TRUE(m.handler);
  EXPECT_EQ(run(m), "one");
  EXPECT_EQ(m.name, "/api/v1/events/{id}");
  EXPECT_EQ(m.params.at("id"), "evt_1");

  m = r.match(Method::get, "/api/v1/events/e1/registrations/r2");
  ASSERT_TRUE(m.handler);
  EXPECT_EQ(m.params.at("event_id"), "e1");
  EXPECT_EQ(m.params.at("id"), "r2");

  m = r.match(Method::post, "/api/v1/events/e1/publish");
  ASSERT_TRUE(m.handler);
  EXPECT_EQ(run(m), "publish");
}

TEST(Router, NoMatchForOtherShapes) {
  Router r;
  r.get("/api/v1/events/{id}", named("one"));
  EXPECT_FALSE(r.match(Method::get, "/api/v1/events").handler);
  EXPECT_FALSE(r.match(Method::get, "/api/v1/events/").handler);  // empty parameter
  EXPECT_FALSE(r.match(Method::get, "/api/v1/events/a/b").handler);
  EXPECT_FALSE(r.match(Method::get, "/api/v1/event/a").handler);
  EXPECT_FALSE(r.match(Method::get, "api/v1/events/a").handler);
  EXPECT_TRUE(r.match(Method::get, "/api/v1/events/a").allowed.empty());
  EXPECT_TRUE(r.match(Method::get, "/nothing").allowed.empty());
}

TEST(Router, DecodesParameters) {
  Router r;
  r.get("/api/v1/files/{name}", named("file"));
  auto m = r.match(Method::get, "/api/v1/files/a%20b%2Fc");
  ASSERT_TRUE(m.handler);
  EXPECT_EQ(m.params.at("name"), "a b/c");
  // '+' is literal in paths.
  EXPECT_EQ(r.match(Method::get, "/api/v1/files/a+b").params.at("name"), "a+b");
  // Malformed escapes and NUL do not match.
  EXPECT_FALSE(r.match(Method::get, "/api/v1/files/a%2").handler);
  EXPECT_FALSE(r.match(Method::get, "/api/v1/files/a%zz").handler);
  EXPECT_FALSE(r.match(Method::get, "/api/v1/files/a%00").handler);
  // Literal segments match their encoded form too.
  EXPECT_TRUE(r.match(Method::get, "/api/v1/%66iles/x").handler);
}

TEST(Router, ReportsAllowedMethodsFor405) {
  Router r;
  r.get("/api/v1/events/{id}", named("get"));
  r.patch("/api/v1/events/{id}", named("patch"));
  r.del("/api/v1/events/{id}", named("del"));
  auto m = r.match(Method::post, "/api/v1/events/x");
  EXPECT_FALSE(m.handler);
  ASSERT_EQ(m.allowed.size(), 4u);
  EXPECT_EQ(m.allowed[0], Method::get);
  EXPECT_EQ(m.allowed[1], Method::head);
  EXPECT_EQ(m.allowed[2], Method::patch);
  EXPECT_EQ(m.allowed[3], Method::delete_);
}

TEST(Router, HeadFallsBackToGetButPrefersOwnRoute) {
  Router r;
  r.get("/a", named("get-a"));
  r.get("/b", named("get-b"));
  r.add(Method::head, "/b", named("head-b"));
  auto a = r.match(Method::head, "/a");
  ASSERT_TRUE(a.handler);
  EXPECT_EQ(run(a), "get-a");
  auto b = r.match(Method::head, "/b");
  ASSERT_TRUE(b.handler);
  EXPECT_EQ(run(b), "head-b");
  EXPECT_FALSE(r.match(Method::head, "/c").handler);
}

TEST(Router, ExactSegmentsWinOverEarlierParamRoutesOnlyByOrder) {
  // Routes are tried in registration order: register literals before parameters.
  Router r;
  r.get("/api/v1/events/mine", named("mine"));
  r.get("/api/v1/events/{id}", named("one"));
  EXPECT_EQ(run(r.match(Method::get, "/api/v1/events/mine")), "mine");
  EXPECT_EQ(run(r.match(Method::get, "/api/v1/events/other")), "one");
}

TEST(Router, RejectsDuplicatesAndBadPatterns) {
  Router r;
  r.get("/x/{id}", named("1"));
  EXPECT_THROW(r.get("/x/{id}", named("2")), std::invalid_argument);
  EXPECT_THROW(r.get("x", named("3")), std::invalid_argument);
}

TEST(Router, BodyLimitPerRoute) {
  Router r;
  r.post("/api/v1/uploads", named("up"), RouteOptions{.body_limit = 10u << 20});
  r.get("/api/v1/uploads", named("list"));
  r.post("/api/v1/events", named("create"));
  EXPECT_EQ(r.body_limit_for(Method::post, "/api/v1/uploads"), 10u << 20);
  EXPECT_EQ(r.body_limit_for(Method::get, "/api/v1/uploads"), 1u << 20);
  // Method not routed: the largest limit over the path's routes.
  EXPECT_EQ(r.body_limit_for(Method::put, "/api/v1/uploads"), 10u << 20);
  EXPECT_EQ(r.body_limit_for(Method::post, "/api/v1/events"), 1u << 20);
  EXPECT_EQ(r.body_limit_for(Method::post, "/nowhere"), 1u << 20);
}

TEST(Router, RootPath) {
  Router r;
  r.get("/", named("root"));
  auto m = r.match(Method::get, "/");
  ASSERT_TRUE(m.handler);
  EXPECT_EQ(run(m), "root");
}

}  // namespace
}  // namespace admit::http
