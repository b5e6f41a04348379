#pragma once
// Strict reading of JSON request bodies: wrong types, missing required fields and unknown
// fields all become FieldErrors naming the field (API.md: unknown fields answer 422).
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "common/error.hpp"
#include "common/result.hpp"
#include "common/time.hpp"

namespace admit {

// Parses a request body. Empty or malformed JSON, bytes that are not UTF-8 (the offset is
// named), a lone UTF-16 surrogate escape and nesting deeper than 32 levels are bad_request;
// a key given twice in one object or a NUL character (\u0000) in a key or string is
// validation_failed naming the field by its path ("ticket_types[1].name"), so that no two
// readers of one body can see different values and nothing with NUL is ever stored.
Result<boost::json::value> parse_json_body(std::string_view body);

enum class Need { optional, required };

// Reads the fields of one JSON object. Each getter records the key as known; finish()
// reports every key that no getter asked for. A field given as JSON null reads as absent
// (use is_null() when null means "clear this").
class JsonObjectReader {
 public:
  JsonObjectReader(const boost::json::value& value, FieldErrors& errors, std::string path = "");

  bool is_object() const noexcept { return object_ != nullptr; }
  bool has(std::string_view key) const;      // present, null or not
  bool is_null(std::string_view key) const;  // present and null

  std::optional<std::string> string(std::string_view key, Need need = Need::optional,
                                    std::size_t max_length = 10000);
  std::optional<std::int64_t> integer(std::string_view key, Need need = Need::optional);
  std::optional<bool> boolean(std::string_view key, Need need = Need::optional);
  std::optional<Timestamp> time(std::string_view key, Need need = Need::optional);
  const boost::json::array* array(std::string_view key, Need need = Need::optional);
  const boost::json::value* object(std::string_view key, Need need = Need::optional);

  // Marks a field as known without reading it (read-only fields a client may echo back).
  void ignore(std::string_view key) { known_.emplace(key); }

  // Records unknown fields as errors ("is not a known field").
  void finish();

  std::string path_of(std::string_view key) const;

 private:
  const boost::json::value* lookup(std::string_view key, Need need);

  const boost::json::object* object_ = nullptr;
  FieldErrors& errors_;
  std::string path_;
  std::set<std::string, std::less<>> known_;
};

}  // namespace admit
