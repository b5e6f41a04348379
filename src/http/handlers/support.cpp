#include "http/handlers/support.hpp"

#include <charconv>
#include <stdexcept>

#include "http/middleware.hpp"

namespace admit::http {

std::optional<Actor> actor_of(const Request& req) {
  if (!req.principal) return std::nullopt;
  return Actor{req.principal->user_id, req.principal->roles, req.principal->event_scope};
}

Actor caller_of(const Request& req) {
  auto actor = actor_of(req);
  if (!actor) throw std::logic_error("a signed-in route ran without a caller: check its Allow");
  return std::move(*actor);
}

Result<boost::json::value> json_body(const Request& req) {
  auto type = req.header("content-type");
  if (!type || !is_json_media_type(*type))
    return Error{ErrorCode::unsupported_media_type,
                 "Send the body as JSON with Content-Type: application/json.",
                 {}};
  return parse_json_body(req.body);
}

std::optional<std::int64_t> query_int(const Request& req, std::string_view name, std::int64_t lo,
                                      std::int64_t hi, FieldErrors& errors) {
  auto raw = req.query(name);
  if (!raw) return std::nullopt;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), v);
  if (ec != std::errc{} || p != raw->data() + raw->size() || v < lo || v > hi) {
    errors.add(std::string(name),
               "must be an integer between " + std::to_string(lo) + " and " + std::to_string(hi));
    return std::nullopt;
  }
  return v;
}

}  // namespace admit::http
