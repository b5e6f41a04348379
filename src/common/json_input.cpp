#include "common/json_input.hpp"

#include <optional>
#include <string>
#include <vector>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>

namespace admit {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxDepth = 32;

// The offset of the first byte that does not belong to well-formed UTF-8 (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF), or nullopt.
std::optional<std::size_t> first_invalid_utf8(std::string_view text) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c == 0xE0) len = 3, lo = 0xA0;
    else if (c == 0xED) len = 3, hi = 0x9F;
    else if (c >= 0xE1 && c <= 0xEF) len = 3;
    else if (c == 0xF0) len = 4, lo = 0x90;
    else if (c == 0xF4) len = 4, hi = 0x8F;
    else if (c >= 0xF1 && c <= 0xF3) len = 4;
    else return i;
    if (i + len > n || p[i + 1] < lo || p[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k)
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
    i += len;
  }
  return std::nullopt;
}

// A pass over the document with Boost.JSON's SAX parser for what the DOM parser lets
// through: a key twice in one object (it would keep the last), and U+0000 (written
// \u0000) in a key or string. Knows where it is, so the error names the field.
struct Scan {
  struct Frame {
    bool object = false;
    std::vector<std::string> keys;  // seen in this object
    std::string key;                // the current one
    std::size_t index = 0;          // arrays: values so far
  };
  std::vector<Frame> frames;
  std::string part;  // a key arriving in pieces
  std::optional<Error> error;

  std::string path(bool with_member = true) const {
    std::string out;
    for (std::size_t i = 0; i < frames.size(); ++i) {
      const bool last = i + 1 == frames.size();
      if (last && !with_member) break;
      const Frame& f = frames[i];
      if (f.object) {
        if (!out.empty()) out += '.';
        out += f.key;
      } else {
        out += '[' + std::to_string(f.index) + ']';
      }
    }
    return out.empty() ? "body" : out;
  }
  bool fail(Error e, boost::system::error_code& ec) {
    error = std::move(e);
    ec = json::error::syntax;  // stops the parser; `error` says what was wrong
    return false;
  }
  bool value_done() {
    if (!frames.empty() && !frames.back().object) ++frames.back().index;
    return true;
  }
  bool check_text(std::string_view s, boost::system::error_code& ec) {
    if (s.find('\0') == std::string_view::npos) return true;
    return fail(Error::field(path(), "must not contain the NUL character (\\u0000)"), ec);
  }
};

struct ScanHandler {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);
  using ec_t = boost::system::error_code;
  Scan scan;

  bool on_document_begin(ec_t&) { return true; }
  bool on_document_end(ec_t&) { return true; }
  bool on_array_begin(ec_t&) {
    scan.frames.push_back({});
    return true;
  }
  bool on_array_end(std::size_t, ec_t&) {
    scan.frames.pop_back();
    return scan.value_done();
  }
  bool on_object_begin(ec_t&) {
    scan.frames.push_back({true, {}, {}, 0});
    return true;
  }
  bool on_object_end(std::size_t, ec_t&) {
    scan.frames.pop_back();
    return scan.value_done();
  }
  bool on_string_part(json::string_view s, std::size_t, ec_t& ec) { return scan.check_text(s, ec); }
  bool on_string(json::string_view s, std::size_t, ec_t& ec) {
    return scan.check_text(s, ec) && scan.value_done();
  }
  bool on_key_part(json::string_view s, std::size_t, ec_t&) {
    scan.part.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, ec_t& ec) {
    scan.part.append(s.data(), s.size());
    Scan::Frame& f = scan.frames.back();
    f.key = std::move(scan.part);
    scan.part.clear();
    if (f.key.find('\0') != std::string::npos) {
      f.key = "\"\"";
      return scan.fail(Error::field(scan.path(false),
                                    "has a field name containing the NUL character (\\u0000)"),
                       ec);
    }
    for (const auto& seen : f.keys)
      if (seen == f.key) return scan.fail(Error::field(scan.path(), "appears more than once"), ec);
    f.keys.push_back(f.key);
    return true;
  }
  bool on_number_part(json::string_view, ec_t&) { return true; }
  bool on_int64(std::int64_t, json::string_view, ec_t&) { return scan.value_done(); }
  bool on_uint64(std::uint64_t, json::string_view, ec_t&) { return scan.value_done(); }
  bool on_double(double, json::string_view, ec_t&) { return scan.value_done(); }
  bool on_bool(bool, ec_t&) { return scan.value_done(); }
  bool on_null(ec_t&) { return scan.value_done(); }
  bool on_comment_part(json::string_view, ec_t&) { return true; }
  bool on_comment(json::string_view, ec_t&) { return true; }
};

json::parse_options parse_options() {
  json::parse_options options;
  options.max_depth = kMaxDepth;
  return options;
}

}  // namespace

Result<json::value> parse_json_body(std::string_view body) {
  if (body.empty()) return Error::bad_request("The request body must be a JSON object.");
  if (auto at = first_invalid_utf8(body))
    return Error::bad_request("The request body is not valid UTF-8 (at byte " +
                              std::to_string(*at) + ").");
  boost::system::error_code ec;
  json::value v = json::parse(body, ec, {}, parse_options());
  if (ec == json::error::too_deep)
    return Error::bad_request("The request body nests arrays and objects deeper than " +
                              std::to_string(kMaxDepth) + " levels.");
  if (ec) return Error::bad_request("The request body is not valid JSON: " + ec.message() + ".");
  json::basic_parser<ScanHandler> scanner(parse_options());
  scanner.write_some(false, body.data(), body.size(), ec);
  if (scanner.handler().scan.error) return std::move(*scanner.handler().scan.error);
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
