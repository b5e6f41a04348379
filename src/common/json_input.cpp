#include "common/json_input.hpp"

#include <boost/json/parse.hpp>

namespace admit {

namespace json = boost::json;

Result<json::value> parse_json_body(std::string_view body) {
  if (body.empty()) return Error::bad_request("The request body must be a JSON object.");
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 32;
  json::value v = json::parse(body, ec, {}, options);
  if (ec) return Error::bad_request("The request body is not valid JSON: " + ec.message() + ".");
  return v;
}

JsonObjectReader::JsonObjectReader(const json::value& value, FieldErrors& errors, std::string path)
    : errors_(errors), path_(std::move(path)) {
  object_ = value.if_object();
  if (!object_) errors_.add(path_.empty() ? "body" : path_, "must be a JSON object");
}

std::string JsonObjectReader::path_of(std::string_view key) const {
  if (path_.empty()) return std::string(key);
  return path_ + "." + std::string(key);
}

bool JsonObjectReader::has(std::string_view key) const {
  return object_ && object_->contains(key);
}

bool JsonObjectReader::is_null(std::string_view key) const {
  if (!object_) return false;
  auto it = object_->find(key);
  return it != object_->end() && it->value().is_null();
}

const json::value* JsonObjectReader::lookup(std::string_view key, Need need) {
  known_.emplace(key);
  if (!object_) return nullptr;
  auto it = object_->find(key);
  if (it == object_->end() || it->value().is_null()) {
    if (need == Need::required) errors_.add(path_of(key), "is required");
    return nullptr;
  }
  return &it->value();
}

std::optional<std::string> JsonObjectReader::string(std::string_view key, Need need,
                                                    std::size_t max_length) {
  const json::value* v = lookup(key, need);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    errors_.add(path_of(key), "must be a string");
    return std::nullopt;
  }
  const auto& s = v->get_string();
  if (s.size() > max_length) {
    errors_.add(path_of(key), "must be at most " + std::to_string(max_length) + " bytes");
    return std::nullopt;
  }
  return std::string(s);
}

std::optional<std::int64_t> JsonObjectReader::integer(std::string_view key, Need need) {
  const json::value* v = lookup(key, need);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(v->get_uint64());
  if (v->is_double()) {
    double d = v->get_double();
    if (d == static_cast<double>(static_cast<std::int64_t>(d)) && d > -9e15 && d < 9e15)
      return static_cast<std::int64_t>(d);
  }
  errors_.add(path_of(key), "must be an integer");
  return std::nullopt;
}

std::optional<bool> JsonObjectReader::boolean(std::string_view key, Need need) {
  const json::value* v = lookup(key, need);
  if (!v) return std::nullopt;
  if (!v->is_bool()) {
    errors_.add(path_of(key), "must be true or false");
    return std::nullopt;
  }
  return v->get_bool();
}

std::optional<Timestamp> JsonObjectReader::time(std::string_view key, Need need) {
  const json::value* v = lookup(key, need);
  if (!v) return std::nullopt;
  if (v->is_string()) {
    if (auto t = parse_rfc3339(v->get_string())) return t;
  }
  errors_.add(path_of(key), "must be an RFC 3339 time such as 2026-05-01T18:00:00Z");
  return std::nullopt;
}

const json::array* JsonObjectReader::array(std::string_view key, Need need) {
  const json::value* v = lookup(key, need);
  if (!v) return nullptr;
  if (!v->is_array()) {
    errors_.add(path_of(key), "must be an array");
    return nullptr;
  }
  return &v->get_array();
}

const json::value* JsonObjectReader::object(std::string_view key, Need need) {
  const json::value* v = lookup(key, need);
  if (!v) return nullptr;
  if (!v->is_object()) {
    errors_.add(path_of(key), "must be an object");
    return nullptr;
  }
  return v;
}

void JsonObjectReader::finish() {
  if (!object_) return;
  for (const auto& kv : *object_) {
    if (kv.key().empty())  // named so that the client can see which field is meant
      errors_.add(path_of("\"\""), "is not a known field (a field name may not be empty)");
    else if (!known_.contains(std::string_view(kv.key())))
      errors_.add(path_of(kv.key()), "is not a known field");
  }
}

}  // namespace admit
