#pragma once
// Helpers every handler uses: who is calling, reading the body and query, answering.
#include <optional>
#include <string>

#include <boost/json/value.hpp>

#include "common/json_input.hpp"
#include "common/result.hpp"
#include "domain/model/actor.hpp"
#include "http/message.hpp"

namespace admit::http {

// The caller, if any (routes open to anonymous callers).
std::optional<Actor> actor_of(const Request& req);
// The caller of a route that admits only signed-in callers: the dispatcher has already
// answered 401 to anyone else (router.hpp Allow), so this never meets an anonymous request;
// if a route were registered open by mistake it throws (500) rather than act for nobody.
Actor caller_of(const Request& req);

// Parses the JSON body; a non-JSON content type is unsupported_media_type.
Result<boost::json::value> json_body(const Request& req);

// Query parameter as an integer in [lo, hi]; records a field error otherwise.
std::optional<std::int64_t> query_int(const Request& req, std::string_view name, std::int64_t lo,
                                      std::int64_t hi, FieldErrors& errors);

// Renders a value or the problem for its error.
template <class T, class Render>
Response respond_with(const Request& req, Result<T> result, int status, Render render) {
  if (!result) return Response::problem(result.error(), req.request_id);
  return Response::json(status, render(result.value()));
}
inline Response problem(const Request& req, const Error& e) {
  return Response::problem(e, req.request_id);
}

}  // namespace admit::http
