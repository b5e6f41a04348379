// Content negotiation, gzip, entity tags and conditional answers (http/compression.hpp,
// http/representation.hpp).
#include <gtest/gtest.h>

#include "http/compression.hpp"
#include "http/representation.hpp"

namespace admit::http {
namespace {

Request get_with(std::vector<std::pair<std::string, std::string>> headers) {
  Request r;
  r.headers = std::move(headers);
  return r;
}

std::string header_of(const Response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers)
    if (n == name) return v;
  return {};
}

TEST(AcceptEncoding, ReadsCodingsAndQValues) {
  EXPECT_FALSE(parse_accept_encoding(std::nullopt).gzip);
  auto both = parse_accept_encoding("gzip, deflate, br");
  EXPECT_TRUE(both.gzip);
  EXPECT_TRUE(both.br);
  auto refused = parse_accept_encoding("gzip;q=0, br;q=0.0");
  EXPECT_FALSE(refused.gzip);
  EXPECT_FALSE(refused.br);
  auto star = parse_accept_encoding("*;q=0.5, br;q=0");
  EXPECT_TRUE(star.gzip);
  EXPECT_FALSE(star.br);
  EXPECT_TRUE(parse_accept_encoding("GZIP ; Q=1").gzip);
  EXPECT_FALSE(parse_accept_encoding("gzip;q=2").gzip) << "an invalid q-value is not trusted";
  EXPECT_FALSE(parse_accept_encoding("identity").gzip);
}

TEST(Gzip, RoundTrips) {
  std::string text;
  for (int i = 0; i < 500; ++i) text += "{\"id\":\"evt_" + std::to_string(i) + "\"},";
  std::string packed = gzip(text);
  EXPECT_LT(packed.size(), text.size() / 4);
  auto back = gunzip(packed);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, text);
  EXPECT_FALSE(gunzip("not gzip at all"));
}

TEST(CompressIfWorthwhile, OnlyLargeTextualOkAnswersTheClientAccepts) {
  Response big = Response::text(200, std::string(4000, 'a'), "application/json");
  compress_if_worthwhile(big, AcceptedEncodings{true, false});
  EXPECT_EQ(header_of(big, "Content-Encoding"), "gzip");
  EXPECT_EQ(header_of(big, "Vary"), "Accept-Encoding");
  EXPECT_EQ(*gunzip(big.body), std::string(4000, 'a'));

  Response refused = Response::text(200, std::string(4000, 'a'), "application/json");
  compress_if_worthwhile(refused, AcceptedEncodings{});
  EXPECT_EQ(header_of(refused, "Content-Encoding"), "");
  EXPECT_EQ(header_of(refused, "Vary"), "Accept-Encoding");

  Response small = Response::text(200, "{}", "application/json");
  compress_if_worthwhile(small, AcceptedEncodings{true, true});
  EXPECT_EQ(small.body, "{}");
  Response error = Response::text(422, std::string(4000, 'a'), "application/problem+json");
  compress_if_worthwhile(error, AcceptedEncodings{true, true});
  EXPECT_EQ(error.body.size(), 4000u);
  Response binary = Response::text(200, std::string(4000, 'a'), "application/pdf");
  compress_if_worthwhile(binary, AcceptedEncodings{true, true});
  EXPECT_EQ(binary.body.size(), 4000u);
}

TEST(Representation, TagsFollowContent) {
  auto a = make_representation(std::string(3000, 'x'), "application/json", true);
  auto same = make_representation(std::string(3000, 'x'), "application/json", true);
  auto other = make_representation(std::string(2999, 'x') + "y", "application/json", true);
  EXPECT_EQ(a->hash, same->hash);
  EXPECT_NE(a->hash, other->hash);
  EXPECT_EQ(a->etag(Encoding::identity), "\"" + a->hash + "\"");
  EXPECT_EQ(a->etag(Encoding::gzip), "\"" + a->hash + ".gz\"");
  ASSERT_TRUE(a->gzip);
  auto tiny = make_representation("{}", "application/json", true);
  EXPECT_FALSE(tiny->gzip) << "too small to be worth it";
}

TEST(Representation, IfNoneMatch) {
  const std::string h = "0123abcd";
  EXPECT_TRUE(none_match_hits("\"0123abcd\"", h));
  EXPECT_TRUE(none_match_hits("\"zzz\", W/\"0123abcd.gz\"", h));
  EXPECT_TRUE(none_match_hits("*", h));
  EXPECT_FALSE(none_match_hits("\"0123abce\"", h));
  EXPECT_FALSE(none_match_hits("0123abcd", h)) << "an unquoted tag is malformed";
  EXPECT_FALSE(none_match_hits("", h));
}

TEST(Representation, AnswerNegotiatesAndRevalidates) {
  auto rep = make_representation(std::string(5000, 'z'), "application/json", true);
  Response plain = answer(get_with({}), *rep, "no-cache");
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(plain.body_view().size(), 5000u);
  EXPECT_EQ(header_of(plain, "Content-Encoding"), "");
  EXPECT_EQ(header_of(plain, "ETag"), rep->etag(Encoding::identity));
  EXPECT_EQ(header_of(plain, "Vary"), "Accept-Encoding");
  EXPECT_EQ(header_of(plain, "Cache-Control"), "no-cache");

  Response packed = answer(get_with({{"accept-encoding", "gzip, br"}}), *rep, "no-cache");
  EXPECT_EQ(header_of(packed, "Content-Encoding"), "gzip") << "no br form: gzip";
  EXPECT_EQ(packed.shared_body, rep->gzip) << "sent without a copy";

  Response again = answer(get_with({{"if-none-match", header_of(packed, "ETag")}}), *rep, "no-cache");
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body_view().empty());
  EXPECT_EQ(header_of(again, "ETag"), rep->etag(Encoding::identity));
}

}  // namespace
}  // namespace admit::http
