#include "http/dispatch.hpp"

#include <exception>

#include "common/log.hpp"
#include "http/middleware.hpp"
#include "http/url.hpp"

namespace admit::http {
namespace {

std::string_view raw_path_of(std::string_view target) noexcept {
  return target.substr(0, target.find('?'));
}

void answer_internal(const Request& request, std::string_view route, std::string_view what,
                     const Respond& respond) {
  log::error("request failed",
             {{"request_id", request.request_id}, {"route", route}, {"error", what}});
  respond(Response::problem(Error::internal(), request.request_id));
}

// Runs fn; whatever it throws is logged and answers 500.
template <class F>
void guarded(const Request& request, std::string_view route, const Respond& respond, F&& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    answer_internal(request, route, e.what(), respond);
  } catch (...) {
    answer_internal(request, route, "unknown exception", respond);
  }
}

}  // namespace

std::string allow_header(const std::vector<Method>& methods) {
  std::string out;
  for (Method m : methods) {
    if (!out.empty()) out += ", ";
    out += to_string(m);
  }
  return out;
}

Dispatcher::Dispatcher(const Router& router, Authenticator* authenticator, std::string public_url,
                       std::string web_root)
    : router_(router),
      authenticator_(authenticator),
      public_origin_(origin_of(public_url)),
      static_files_(std::move(web_root)) {}

void Dispatcher::dispatch(Request& request, std::string& route, const Respond& respond) const {
  dispatch(request, route, respond, router_.match(request.method, raw_path_of(request.target)));
}

void Dispatcher::dispatch(Request& request, std::string& route, const Respond& respond,
                          RouteMatch match) const {

  if (match.handler) {
    route = std::move(match.name);
    guarded(request, route, respond, [&] {
      std::optional<Principal> principal;
      if (authenticator_) principal = authenticator_->authenticate(request);
      run_handler(request, match, std::move(principal), respond);
    });
    return;
  }

  if (!match.allowed.empty()) {
    route = "unmatched";
    Response r = Response::problem(
        Error{ErrorCode::method_not_allowed,
              std::string(to_string(request.method)) + " is not allowed here.", {}},
        request.request_id);
    r.header("Allow", allow_header(match.allowed));
    respond(std::move(r));
    return;
  }

  if (is_api_path(request.path)) {
    route = "unmatched";
    respond(Response::problem(Error::not_found("API endpoint"), request.request_id));
    return;
  }

  if (request.method == Method::get || request.method == Method::head) {
    route = "static";
    guarded(request, route, respond, [&] {
      if (auto cached = static_files_.serve_cached(request)) respond(std::move(*cached));
      else respond(static_files_.serve(request.path, request.request_id));
    });
    return;
  }

  route = "unmatched";
  if (static_files_.enabled()) {
    Response r = Response::problem(
        Error{ErrorCode::method_not_allowed,
              std::string(to_string(request.method)) + " is not allowed here.", {}},
        request.request_id);
    r.header("Allow", "GET, HEAD");
    respond(std::move(r));
  } else {
    respond(Response::problem(Error::not_found("page"), request.request_id));
  }
}

bool Dispatcher::dispatch_inline(Request& request, std::string& route, const Respond& respond,
                                 RouteMatch& match) const {
  match = router_.match(request.method, raw_path_of(request.target));
  if (!match.handler && match.allowed.empty() && !is_api_path(request.path) &&
      (request.method == Method::get || request.method == Method::head)) {
    // The web app's files are in memory: answered here unless only the disk can tell.
    std::optional<Response> cached;
    try {
      cached = static_files_.serve_cached(request);
    } catch (const std::exception&) {
      return false;  // let dispatch() meet the failure and answer it
    }
    if (!cached) return false;
    route = "static";
    respond(std::move(*cached));
    return true;
  }
  if (!match.handler || !match.options->nonblocking) return false;
  std::optional<Principal> principal;
  try {
    if (authenticator_ && !authenticator_->authenticate_now(request, principal)) return false;
  } catch (const std::exception&) {
    return false;  // let dispatch() meet the failure and answer it
  }
  route = std::move(match.name);
  guarded(request, route, respond,
          [&] { run_handler(request, match, std::move(principal), respond); });
  return true;
}

std::optional<Error> check_access(const Allow& allow, const std::optional<Principal>& caller,
                                  const std::map<std::string, std::string, std::less<>>& params) {
  if (!caller) {
    if (allow.anonymous) return std::nullopt;
    return Error::unauthenticated("Sign in, or send an API token, to use this endpoint.");
  }
  if (caller->event_scope) {
    const std::string& scope = *caller->event_scope;
    auto id = params.find("id");
    if (!allow.door_token || id == params.end() || id->second != scope)
      return Error::forbidden("This token is limited to check-in for one event (" + scope +
                              "); it cannot be used here.");
  } else if (caller->via == Principal::Via::session ? !allow.session : !allow.token) {
    return Error::forbidden(caller->via == Principal::Via::session
                                ? "This endpoint takes an API token, not a browser session."
                                : "This endpoint takes a browser session, not an API token.");
  }
  if (!allow.role.empty() && !caller->has_role(allow.role))
    return Error::forbidden("This endpoint needs the " + std::string(allow.role) + " role.");
  return std::nullopt;
}

bool Dispatcher::answer_now(Request& request, std::string& route,
                            std::optional<Response>& out) const {
  if (request.method != Method::get && request.method != Method::head) return false;
  try {
    RouteMatch match = router_.match(request.method, raw_path_of(request.target));
    if (!match.handler) {
      if (!match.allowed.empty() || is_api_path(request.path)) return false;
      out = static_files_.serve_cached(request);
      if (out) route = "static";
      return out.has_value();
    }
    if (!match.options->answer_now) return false;
    std::optional<Principal> principal;
    if (authenticator_ && !authenticator_->authenticate_now(request, principal)) return false;
    // The same access rule as every other route; a refusal takes the usual path to answer.
    if (check_access(match.options->allow, principal, match.params)) return false;
    request.principal = std::move(principal);
    request.params = std::move(match.params);
    out = match.options->answer_now(request);
    if (out) route = std::move(match.name);
    return out.has_value();
  } catch (const std::exception&) {
    out.reset();
    return false;  // the usual path meets the failure and answers it
  }
}

void Dispatcher::run_handler(Request& request, RouteMatch& match,
                             std::optional<Principal> principal, const Respond& respond) const {
  request.principal = std::move(principal);
  if (auto refused = check_access(match.options->allow, request.principal, match.params)) {
    respond(Response::problem(*refused, request.request_id));
    return;
  }
  if (auto refused = check_csrf(request, *match.options, public_origin_)) {
    respond(Response::problem(*refused, request.request_id));
    return;
  }
  request.params = std::move(match.params);
  (*match.handler)(request, respond);
}

}  // namespace admit::http
