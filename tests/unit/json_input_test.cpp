// Strict JSON body reading: types, required fields and unknown fields become field errors.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "common/json_input.hpp"

namespace admit {
namespace {

TEST(JsonInput, ReadsTypedFieldsAndReportsUnknownOnes) {
  auto v = parse_json_body(R"({"name":"A","n":3,"ok":true,"at":"2026-01-01T00:00:00Z","extra":1})");
  ASSERT_TRUE(v);
  FieldErrors errors;
  JsonObjectReader r(*v, errors);
  EXPECT_EQ(r.string("name"), "A");
  EXPECT_EQ(r.integer("n"), 3);
  EXPECT_EQ(r.boolean("ok"), true);
  EXPECT_TRUE(r.time("at"));
  r.finish();
  ASSERT_EQ(errors.list().size(), 1u);
  EXPECT_EQ(errors.list()[0].field, "extra");
}

// Found by tests/fuzz: an unknown field with an empty name was reported with an empty
// field, which tells the client nothing.
TEST(JsonInput, AFieldWithAnEmptyNameIsNamedInTheError) {
  auto v = parse_json_body(R"({"a":{"":1},"":2})");
  ASSERT_TRUE(v);
  FieldErrors errors;
  JsonObjectReader r(*v, errors);
  JsonObjectReader inner(*r.object("a"), errors, "a");
  inner.finish();
  r.finish();
  ASSERT_EQ(errors.list().size(), 2u);
  EXPECT_EQ(errors.list()[0].field, "a.\"\"");
  EXPECT_EQ(errors.list()[1].field, "\"\"");
  EXPECT_NE(errors.list()[1].message.find("may not be empty"), std::string::npos);
}

TEST(JsonInput, NamesWrongTypesAndMissingRequiredFields) {
  auto v = parse_json_body(R"({"name":5,"n":"3","at":"yesterday","list":{}})");
  ASSERT_TRUE(v);
  FieldErrors errors;
  JsonObjectReader r(*v, errors, "item");
  EXPECT_FALSE(r.string("name"));
  EXPECT_FALSE(r.integer("n"));
  EXPECT_FALSE(r.time("at"));
  EXPECT_FALSE(r.array("list"));
  EXPECT_FALSE(r.string("missing", Need::required));
  r.finish();
  std::vector<std::string> fields;
  for (const auto& e : errors.list()) fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"item.name", "item.n", "item.at", "item.list",
                                              "item.missing"}));
}

TEST(JsonInput, RejectsMalformedAndNonObjectBodies) {
  EXPECT_FALSE(parse_json_body(""));
  EXPECT_FALSE(parse_json_body("{\"a\":"));
  EXPECT_EQ(parse_json_body("{").error().code, ErrorCode::bad_request);
  auto arr = parse_json_body("[1]");
  ASSERT_TRUE(arr);
  FieldErrors errors;
  JsonObjectReader r(*arr, errors);
  EXPECT_FALSE(r.is_object());
  EXPECT_EQ(errors.list().at(0).field, "body");
}

TEST(JsonInput, IntegersMustBeWholeAndInRange) {
  auto v = parse_json_body(R"({"a":1.5,"b":2.0,"c":1e300})");
  ASSERT_TRUE(v);
  FieldErrors errors;
  JsonObjectReader r(*v, errors);
  EXPECT_FALSE(r.integer("a"));
  EXPECT_EQ(r.integer("b"), 2);
  EXPECT_FALSE(r.integer("c"));
  EXPECT_EQ(errors.list().size(), 2u);
}

}  // namespace
}  // namespace admit

namespace admit {
namespace {

std::optional<FieldError> field_error_of(std::string_view body) {
  auto v = parse_json_body(body);
  if (v || v.error().code != ErrorCode::validation_failed || v.error().errors.empty()) return std::nullopt;
  return v.error().errors.front();
}

TEST(JsonInputStrict, ADuplicateKeyIsNamedWithItsPath) {
  EXPECT_EQ(field_error_of(R"({"a":1,"a":2})"), (FieldError{"a", "appears more than once"}));
  EXPECT_EQ(field_error_of(R"({"t":[{"p":1},{"q":1,"p":2,"p":3}]})"),
            (FieldError{"t[1].p", "appears more than once"}));
  EXPECT_EQ(field_error_of(R"({"o":{"x":{"k":1,"k":1}}})"), (FieldError{"o.x.k", "appears more than once"}));
  // The same key in different objects is fine.
  EXPECT_TRUE(parse_json_body(R"({"a":{"k":1},"b":{"k":1},"k":[{"k":1},{"k":2}]})"));
}

TEST(JsonInputStrict, NulInAStringOrKeyIsRefused) {
  auto e = field_error_of(R"({"name":"a\u0000b"})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->field, "name");
  EXPECT_NE(e->message.find("NUL"), std::string::npos);
  EXPECT_EQ(field_error_of(R"({"list":["ok","\u0000"]})")->field, "list[1]");
  EXPECT_EQ(field_error_of(R"({"o":{"a\u0000":1}})")->field, "o");
  // A raw NUL byte is not JSON at all.
  auto raw = parse_json_body(std::string_view("{\"a\":\"x\0\"}", 10));
  ASSERT_FALSE(raw);
  EXPECT_EQ(raw.error().code, ErrorCode::bad_request);
}

TEST(JsonInputStrict, InvalidUtf8IsABadRequestWithTheOffset) {
  for (std::string bad : {std::string("\xff"), std::string("\xc0\xaf"), std::string("\xed\xa0\x80"),
                          std::string("\xf4\x90\x80\x80"), std::string("\xe2\x82"), std::string("\x80")}) {
    auto v = parse_json_body("{\"n\":\"" + bad + "\"}");
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().code, ErrorCode::bad_request);
    EXPECT_NE(v.error().detail.find("not valid UTF-8 (at byte 6)"), std::string::npos) << v.error().detail;
  }
  EXPECT_TRUE(parse_json_body("{\"n\":\"Zo\xc3\xab \xf0\x9f\x98\x80 \xe6\x9d\xb1\"}"));
  auto lone = parse_json_body(R"({"n":"\ud800"})");
  ASSERT_FALSE(lone);
  EXPECT_EQ(lone.error().code, ErrorCode::bad_request);
}

TEST(JsonInputStrict, DeepNestingIsRefusedClearly) {
  const std::string deep = std::string(40, '[') + std::string(40, ']');
  auto v = parse_json_body(deep);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::bad_request);
  EXPECT_NE(v.error().detail.find("deeper than 32 levels"), std::string::npos);
  EXPECT_TRUE(parse_json_body(std::string(30, '[') + std::string(30, ']')));
}

}  // namespace
}  // namespace admit
