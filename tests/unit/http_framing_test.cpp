// RFC 9112 framing and Host rules, and the JSON media-type rule (middleware.hpp).
#include <gtest/gtest.h>

#include "http/middleware.hpp"

namespace admit::http {
namespace {

Request with(std::vector<std::pair<std::string, std::string>> headers) {
  Request r;
  r.method = Method::post;
  r.headers = std::move(headers);
  return r;
}

std::optional<ErrorCode> framing(std::vector<std::pair<std::string, std::string>> headers,
                                 unsigned version = 11) {
  auto e = check_framing(with(std::move(headers)), version);
  if (!e) return std::nullopt;
  return e->code;
}

TEST(Framing, ChunkedAloneAndContentLengthAlonePass) {
  EXPECT_EQ(framing({{"host", "x"}, {"transfer-encoding", "chunked"}}), std::nullopt);
  EXPECT_EQ(framing({{"host", "x"}, {"transfer-encoding", "Chunked"}}), std::nullopt);
  EXPECT_EQ(framing({{"host", "x"}, {"content-length", "3"}}), std::nullopt);
  EXPECT_EQ(framing({{"host", "x"}}), std::nullopt);
}

TEST(Framing, CodingsBeforeChunkedAreNotImplemented) {
  EXPECT_EQ(framing({{"host", "x"}, {"transfer-encoding", "gzip, chunked"}}), ErrorCode::not_implemented);
  EXPECT_EQ(framing({{"host", "x"}, {"transfer-encoding", "identity, chunked"}}), ErrorCode::not_implemented);
  EXPECT_EQ(framing({{"host", "x"}, {"transfer-encoding", "gzip"}, {"transfer-encoding", "chunked"}}),
            ErrorCode::not_implemented);
}

TEST(Framing, UnknowableBodyLengthIsABadRequest) {
  EXPECT_EQ(framing({{"host", "x"}, {"transfer-encoding", "gzip"}}), ErrorCode::bad_request);
  EXPECT_EQ(framing({{"host", "x"}, {"transfer-encoding", "identity"}}), ErrorCode::bad_request);
  EXPECT_EQ(framing({{"host", "x"}, {"transfer-encoding", "chunked, gzip"}}), ErrorCode::bad_request);
  EXPECT_EQ(framing({{"host", "x"}, {"transfer-encoding", "chunked, chunked"}}), ErrorCode::bad_request);
  EXPECT_EQ(framing({{"host", "x"}, {"transfer-encoding", ""}}), ErrorCode::bad_request);
  EXPECT_EQ(framing({{"host", "x"}, {"transfer-encoding", "gzip,,chunked"}}), ErrorCode::bad_request);
  EXPECT_EQ(framing({{"host", "x"}, {"transfer-encoding", "chunked"}, {"content-length", "5"}}),
            ErrorCode::bad_request);
  EXPECT_EQ(framing({{"host", "x"}, {"transfer-encoding", "chunked"}}, 10), ErrorCode::bad_request);
}

TEST(Framing, HostIsRequiredOnceAndWellFormed) {
  EXPECT_EQ(framing({}), ErrorCode::bad_request);
  EXPECT_EQ(framing({}, 10), std::nullopt);  // HTTP/1.0 may omit it
  EXPECT_EQ(framing({{"host", "a"}, {"host", "a"}}), ErrorCode::bad_request);
  for (const char* ok : {"example.org", "example.org:8080", "127.0.0.1", "[::1]", "[::1]:443", "", "xn--bcher-kva.example"})
    EXPECT_EQ(framing({{"host", ok}}), std::nullopt) << ok;
  for (const char* bad : {"a b", "user@example.org", "example.org:80x", "[::1", "[::1]x", "example.org/path", ":80", "example.org:123456"})
    EXPECT_EQ(framing({{"host", bad}}), ErrorCode::bad_request) << bad;
}

TEST(JsonMediaType, ParsesTheTypeInsteadOfSearchingForJson) {
  for (const char* ok : {"application/json", "APPLICATION/JSON", "application/json; charset=utf-8",
                         " application/json ;charset=\"utf-8\"", "application/problem+json",
                         "application/vnd.admit.v1+json; q=1", "text/x-thing+JSON"})
    EXPECT_TRUE(is_json_media_type(ok)) << ok;
  for (const char* bad : {"text/plain; charset=json", "text/plain", "json", "application/jsonp",
                          "application/json-seq", "application/x-json-ish", "+json", "application/+json",
                          "multipart/form-data; boundary=json", "", "application /json", "/json"})
    EXPECT_FALSE(is_json_media_type(bad)) << bad;
}

}  // namespace
}  // namespace admit::http
