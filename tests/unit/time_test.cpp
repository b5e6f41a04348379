#include <gtest/gtest.h>

#include "common/time.hpp"

namespace admit {
namespace {

TEST(Time, FormatsAndParsesRfc3339RoundTrip) {
  auto t = parse_rfc3339("2026-11-25T19:35:16Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_rfc3339(*t), "2026-11-25T19:35:16Z");
  auto with_ms = parse_rfc3339("2026-11-25T19:35:16.250Z");
  ASSERT_TRUE(with_ms);
  EXPECT_EQ(format_rfc3339(*with_ms), "2026-11-25T19:35:16.250Z");
}

TEST(Time, AppliesOffsets) {
  auto a = parse_rfc3339("2026-11-25T20:35:16+01:00");
  auto b = parse_rfc3339("2026-11-25T19:35:16Z");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
}

TEST(Time, RejectsMalformedTimes) {
  for (const char* bad : {"", "2026-11-25", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                          "2026-11-25T25:00:00Z", "2026-11-25T10:00:00", "2026-11-25T10:00:00Zjunk",
                          "2026-11-25T10:00:00+1:00"})
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
}

TEST(Time, AcceptsPlainDatesForFilters) {
  auto d = parse_date_or_time("2026-05-01");
  ASSERT_TRUE(d);
  EXPECT_EQ(format_rfc3339(*d), "2026-05-01T00:00:00Z");
  EXPECT_EQ(format_date(*d), "2026-05-01");
}

TEST(Time, KnowsIanaZones) {
  EXPECT_TRUE(is_valid_timezone("Europe/Berlin"));
  EXPECT_TRUE(is_valid_timezone("UTC"));
  EXPECT_FALSE(is_valid_timezone("Mars/Olympus"));
  EXPECT_FALSE(is_valid_timezone("../etc/passwd"));
  EXPECT_FALSE(is_valid_timezone(""));
}

TEST(Time, FormatsHttpDates) {
  auto t = parse_rfc3339("2026-11-25T19:35:16Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_http_date(*t), "Wed, 25 Nov 2026 19:35:16 GMT");
}

}  // namespace
}  // namespace admit
