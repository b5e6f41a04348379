#include "common/page_cursor.hpp"

#include <gtest/gtest.h>

namespace admit {
namespace {

TEST(PageCursor, ReadsBackWhatItMakes) {
  auto c = make_page_cursor(1795800654000, "evt_krjsm105zwpeg25n");
  EXPECT_EQ(c, "1795800654000.evt_krjsm105zwpeg25n");
  auto p = parse_page_cursor(c);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->first, 1795800654000);
  EXPECT_EQ(p->second, "evt_krjsm105zwpeg25n");
}

TEST(PageCursor, NegativeKeysAndIdsWithDots) {
  auto p = parse_page_cursor("-5.a.b");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->first, -5);
  EXPECT_EQ(p->second, "a.b");
}

TEST(PageCursor, RefusesWhatIsNotACursor) {
  for (const char* bad : {"", ".", "12", "12.", ".id", "x1.id", "1x.id", "99999999999999999999.id"})
    EXPECT_FALSE(parse_page_cursor(bad)) << bad;
  EXPECT_FALSE(parse_page_cursor("1." + std::string(199, 'a')));
  EXPECT_TRUE(parse_page_cursor("1." + std::string(198, 'a')));
}

}  // namespace
}  // namespace admit
