#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "http/message.hpp"
#include "http/url.hpp"

namespace admit::http {
namespace {

TEST(HttpMessage, MethodNames) {
  EXPECT_EQ(to_string(Method::get), "GET");
  EXPECT_EQ(to_string(Method::delete_), "DELETE");
  EXPECT_EQ(to_string(Method::patch), "PATCH");
}

TEST(HttpMessage, HeaderLookup) {
  Request req;
  req.headers = {{"content-type", "application/json"}, {"x-a", "1"}, {"x-a", "2"}};
  EXPECT_EQ(req.header("content-type"), "application/json");
  EXPECT_EQ(req.header("x-a"), "1");
  EXPECT_FALSE(req.header("missing"));
}

TEST(HttpMessage, QueryDecoding) {
  Request req;
  req.query_string = "q=rock+%26+roll&limit=20&empty=&flag&caf%C3%A9=1&q=second&bad=%zz%4";
  EXPECT_EQ(req.query("q"), "rock & roll");  // first occurrence
  EXPECT_EQ(req.query("limit"), "20");
  EXPECT_EQ(req.query("empty"), "");
  EXPECT_EQ(req.query("flag"), "");
  EXPECT_EQ(req.query("café"), "1");
  EXPECT_EQ(req.query("bad"), "%zz%4");  // malformed escapes kept literally
  EXPECT_FALSE(req.query("nope"));
  Request none;
  EXPECT_FALSE(none.query("q"));
}

TEST(HttpMessage, CookieParsing) {
  Request req;
  req.headers = {{"cookie", "a=1; __Host-admit_session=abc.def ;  quoted=\"v w\""},
                 {"cookie", "late=yes"}};
  EXPECT_EQ(req.cookie("a"), "1");
  EXPECT_EQ(req.cookie("__Host-admit_session"), "abc.def");
  EXPECT_EQ(req.cookie("quoted"), "v w");
  EXPECT_EQ(req.cookie("late"), "yes");
  EXPECT_FALSE(req.cookie("admit_session"));
  EXPECT_FALSE(req.cookie("b"));
}

TEST(HttpMessage, ParamMustExist) {
  Request req;
  req.params.emplace("id", "evt_1");
  EXPECT_EQ(req.param("id"), "evt_1");
  EXPECT_THROW((void)req.param("other"), std::out_of_range);
}

TEST(HttpMessage, ResponseFactories) {
  auto j = Response::json(201, boost::json::object{{"a", 1}});
  EXPECT_EQ(j.status, 201);
  EXPECT_EQ(j.content_type, "application/json");
  EXPECT_EQ(j.body, R"({"a":1})");
  auto t = Response::text(200, "ok");
  EXPECT_EQ(t.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(Response::no_content().status, 204);
  auto r = Response::redirect(303, "/x");
  EXPECT_EQ(r.status, 303);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Location");
  EXPECT_EQ(r.headers[0].second, "/x");
}

TEST(HttpMessage, SyncWrapsAReturningHandler) {
  Handler h = sync([](Request& req) { return Response::text(200, req.path); });
  Request req;
  req.path = "/p";
  int calls = 0;
  h(req, [&](Response r) {
    ++calls;
    EXPECT_EQ(r.body, "/p");
  });
  EXPECT_EQ(calls, 1);
}

TEST(HttpProblem, StatusTable) {
  EXPECT_EQ(status_of(ErrorCode::bad_request), 400);
  EXPECT_EQ(status_of(ErrorCode::invalid_signature), 400);
  EXPECT_EQ(status_of(ErrorCode::unauthenticated), 401);
  EXPECT_EQ(status_of(ErrorCode::invalid_credentials), 401);
  EXPECT_EQ(status_of(ErrorCode::forbidden), 403);
  EXPECT_EQ(status_of(ErrorCode::not_found), 404);
  EXPECT_EQ(status_of(ErrorCode::method_not_allowed), 405);
  EXPECT_EQ(status_of(ErrorCode::conflict), 409);
  EXPECT_EQ(status_of(ErrorCode::sold_out), 409);
  EXPECT_EQ(status_of(ErrorCode::gone), 410);
  EXPECT_EQ(status_of(ErrorCode::payload_too_large), 413);
  EXPECT_EQ(status_of(ErrorCode::unsupported_media_type), 415);
  EXPECT_EQ(status_of(ErrorCode::validation_failed), 422);
  EXPECT_EQ(status_of(ErrorCode::rate_limited), 429);
  EXPECT_EQ(status_of(ErrorCode::internal), 500);
  EXPECT_EQ(status_of(ErrorCode::unavailable), 503);
}

TEST(HttpProblem, RendersRfc9457Document) {
  auto r = Response::problem(Error::validation({{"ticket_types[0].price", "must be at least 0"},
                                                {"title", "is required"}}),
                             "req-1");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.content_type, "application/problem+json");
  auto doc = boost::json::parse(r.body).as_object();
  EXPECT_EQ(doc.at("type"), "https://admit.dev/problems/validation_failed");
  EXPECT_EQ(doc.at("title"), "Validation failed");
  EXPECT_EQ(doc.at("status"), 422);
  EXPECT_EQ(doc.at("code"), "validation_failed");
  EXPECT_EQ(doc.at("detail"), "The request has invalid fields.");
  EXPECT_EQ(doc.at("request_id"), "req-1");
  const auto& errors = doc.at("errors").as_array();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].at("field"), "ticket_types[0].price");
  EXPECT_EQ(errors[0].at("message"), "must be at least 0");
  for (const auto& h : r.headers) EXPECT_NE(h.first, "Retry-After");
}

TEST(HttpProblem, EmptyErrorsAndRetryAfter) {
  auto r = Response::problem(Error::not_found("event"));
  auto doc = boost::json::parse(r.body).as_object();
  EXPECT_EQ(doc.at("status"), 404);
  EXPECT_EQ(doc.at("detail"), "event not found");
  EXPECT_TRUE(doc.at("errors").as_array().empty());
  EXPECT_FALSE(doc.contains("request_id"));

  auto limited = Response::problem(Error::rate_limited(30));
  EXPECT_EQ(limited.status, 429);
  ASSERT_EQ(limited.headers.size(), 1u);
  EXPECT_EQ(limited.headers[0].first, "Retry-After");
  EXPECT_EQ(limited.headers[0].second, "30");

  auto busy = Response::problem(Error{ErrorCode::unavailable, "busy", {}, 0});
  EXPECT_EQ(busy.status, 503);
  ASSERT_EQ(busy.headers.size(), 1u);
  EXPECT_EQ(busy.headers[0].second, "1");  // at least one second
}

TEST(HttpUrl, PercentDecode) {
  EXPECT_EQ(percent_decode("a%20b+c", false), "a b+c");
  EXPECT_EQ(percent_decode("a%20b+c", true), "a b c");
  EXPECT_FALSE(percent_decode("%", false));
  EXPECT_FALSE(percent_decode("%4", false));
  EXPECT_FALSE(percent_decode("%g0", false));
  EXPECT_FALSE(percent_decode("%00", false));
  EXPECT_EQ(percent_decode("%00", false, /*reject_nul=*/false), std::string(1, '\0'));
}

TEST(HttpUrl, OriginOf) {
  EXPECT_EQ(origin_of("https://Tickets.Example.org/path?q"), "https://tickets.example.org");
  EXPECT_EQ(origin_of("https://example.org:443"), "https://example.org");
  EXPECT_EQ(origin_of("http://example.org:80/"), "http://example.org");
  EXPECT_EQ(origin_of("http://127.0.0.1:8080/x"), "http://127.0.0.1:8080");
  EXPECT_EQ(origin_of("null"), "");
  EXPECT_EQ(origin_of("ftp://x"), "");
  EXPECT_EQ(origin_of("https://user@evil.example"), "");
}

}  // namespace
}  // namespace admit::http
