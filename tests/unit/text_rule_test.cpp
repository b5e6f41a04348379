// The one text rule every text field follows (domain/services/text.hpp).
#include <gtest/gtest.h>

#include "domain/services/text.hpp"

namespace admit {
namespace {

TEST(TextRule, SingleLinesRefuseEveryControlCharacter) {
  EXPECT_FALSE(has_control_chars("Jazz at the Harbour – Hafenbühne, 東京"));
  for (std::string_view bad : {std::string_view("a\0b", 3), std::string_view("bell\a"),
                               std::string_view("esc\x1b[31m"), std::string_view("tab\there"),
                               std::string_view("two\nlines"), std::string_view("cr\r"),
                               std::string_view("del\x7f"), std::string_view("c1 \xc2\x85 nel"),
                               std::string_view("c1 \xc2\x9b csi")})
    EXPECT_TRUE(has_control_chars(bad)) << bad;
  // U+00A0 (C2 A0) and U+00E9 (C3 A9) are text, not controls.
  EXPECT_FALSE(has_control_chars("no\xc2\xa0" "break caf\xc3\xa9"));
}

TEST(TextRule, MultiLineFieldsKeepLineBreaksAndTabsOnly) {
  EXPECT_FALSE(has_control_chars("Line one\r\nLine two\n\tindented", /*multiline=*/true));
  EXPECT_TRUE(has_control_chars(std::string_view("nul\0", 4), true));
  EXPECT_TRUE(has_control_chars("esc\x1b", true));
  EXPECT_TRUE(has_control_chars("c1\xc2\x80", true));
}

TEST(TextRule, CheckTextNamesTheFieldAndSaysWhy) {
  FieldErrors errors;
  check_text(errors, "venue", "Hall\x07", 300, true);
  check_text(errors, "title", "   ", 200, true);
  check_text(errors, "ticket_types[0].name", std::string(101, 'x'), 100, true);
  check_text(errors, "description", "ok\nfine", 2000, false, /*multiline=*/true);
  check_text(errors, "name", "bad \xff utf-8", 200, true);
  auto e = std::move(errors).to_error();
  ASSERT_EQ(e.errors.size(), 4u);
  EXPECT_EQ(e.errors[0].field, "venue");
  EXPECT_EQ(e.errors[0].message, "must be one line without control characters");
  EXPECT_EQ(e.errors[1].field, "title");
  EXPECT_EQ(e.errors[1].message, "is required");
  EXPECT_EQ(e.errors[2].field, "ticket_types[0].name");
  EXPECT_EQ(e.errors[3].field, "name");
  EXPECT_EQ(e.errors[3].message, "must be valid UTF-8");
}

}  // namespace
}  // namespace admit
