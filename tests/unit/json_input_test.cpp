// Strict JSON body reading: types, required fields and unknown fields become field errors.
#include <gtest/gtest.h>

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
