// Fuzz target: a request body through the strict JSON reading every handler uses
// (parse_json_body, then JsonObjectReader as the registration handler reads one).
// Properties: nothing crashes or leaks; a body either parses, or answers bad_request, or
// (duplicate key, NUL character) validation_failed naming the field; every field error
// names a field.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <boost/json/array.hpp>

#include "common/json_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace admit;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_json_body(body);
  if (!parsed) {
    // Malformed, invalid UTF-8 or too deep: bad_request. A key twice or a NUL character:
    // validation_failed naming exactly one field.
    const Error& e = parsed.error();
    if (e.code == ErrorCode::validation_failed) {
      if (e.errors.size() != 1 || e.errors[0].field.empty()) std::abort();
    } else if (e.code != ErrorCode::bad_request) {
      std::abort();
    }
    return 0;
  }
  FieldErrors errors;
  JsonObjectReader r(*parsed, errors);
  if (const boost::json::array* items = r.array("items")) {
    for (std::size_t i = 0; i < items->size() && i < 64; ++i) {
      JsonObjectReader item((*items)[i], errors, "items[" + std::to_string(i) + "]");
      (void)item.string("ticket_type_id", Need::required, 100);
      (void)item.integer("quantity", Need::required);
      item.finish();
    }
  }
  (void)r.string("promo_code", Need::optional, 200);
  (void)r.boolean("hidden");
  (void)r.time("starts_at");
  (void)r.object("settings");
  r.finish();
  if (!errors.empty()) {
    Error e = std::move(errors).to_error();
    if (e.errors.empty()) std::abort();
    for (const auto& f : e.errors)
      if (f.field.empty() || f.message.empty()) std::abort();
  }
  return 0;
}
