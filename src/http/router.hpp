#pragma once
// Routes (method, path pattern) to handlers. Patterns use {name} segments:
// "/api/v1/events/{id}/publish". A path that matches with another method answers 405
// with Allow; no match answers 404 (API paths) or falls through to the web app.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace admit::http {

// Who may call a route. The Dispatcher checks it in one place, before CSRF and before the
// handler, so a handler never meets a caller its route does not admit:
// - no caller where the route needs one: 401 `unauthenticated`;
// - a door token (an API token limited to one event's check-in) on a route not marked
//   `door_token`, or for another event than the route's `{id}`: 403 `forbidden`;
// - a caller without `role`: 403 `forbidden`.
// The default (a route that says nothing) is "signed in, by session or by an account-wide
// API token": public routes say `allow = kPublic`, check-in routes add `door_token`.
struct Allow {
  bool anonymous = false;  // callers without credentials (or with unknown ones)
  bool session = true;     // a browser session cookie
  bool token = true;       // an API token for the whole account
  bool door_token = false; // an API token scoped to the event named by the path's {id}
  std::string_view role;   // a role the caller must hold ("admin"); empty: any role
};
inline constexpr Allow kPublic{.anonymous = true};
inline constexpr Allow kAdmin{.role = "admin"};

struct RouteOptions {
  Allow allow;
  std::size_t body_limit = 1 << 20;  // bytes; larger only where an endpoint needs it
  bool csrf_exempt = false;          // e.g. the Stripe webhook (signed instead)
  // The handler never blocks (it validates and hands the work on, answering later from
  // elsewhere), so it may run on the network thread when the caller is known without the
  // database (Dispatcher::dispatch_inline). Saves a thread hand-off on hot routes. Such a
  // handler copies what it keeps from the Request: the server frees the request's payload
  // as soon as the handler returns, on the thread that allocated it.
  bool nonblocking = false;
  // For a GET whose answer may already be in memory: returns it at once (on the network
  // thread, without blocking), or nullopt to let the handler run as usual. The server then
  // sends it without handing the request anywhere (Dispatcher::answer_now).
  std::function<std::optional<Response>(Request&)> answer_now;
};

struct RouteMatch {
  const Handler* handler = nullptr;
  const RouteOptions* options = nullptr;
  std::string name;  // the pattern, for metrics labels
  std::map<std::string, std::string, std::less<>> params;
  std::vector<Method> allowed;  // filled when the path matched but the method did not
};

class Router {
 public:
  void add(Method method, std::string pattern, Handler handler, RouteOptions options = {});
  void get(std::string p, Handler h, RouteOptions o = {}) { add(Method::get, std::move(p), std::move(h), o); }
  void post(std::string p, Handler h, RouteOptions o = {}) { add(Method::post, std::move(p), std::move(h), o); }
  void patch(std::string p, Handler h, RouteOptions o = {}) { add(Method::patch, std::move(p), std::move(h), o); }
  void put(std::string p, Handler h, RouteOptions o = {}) { add(Method::put, std::move(p), std::move(h), o); }
  void del(std::string p, Handler h, RouteOptions o = {}) { add(Method::delete_, std::move(p), std::move(h), o); }

  RouteMatch match(Method method, std::string_view path) const;
  // Largest body_limit over all routes that match the path (for reading before dispatch).
  std::size_t body_limit_for(Method method, std::string_view path) const;

 private:
  struct Route {
    Method method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
    RouteOptions options;
  };
  std::vector<Route> routes_;
};

}  // namespace admit::http
