#pragma once
#include <string>

#include "http/authenticator.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "http/static_files.hpp"

namespace admit::http {

// Dispatcher: what happens to one fully read request on the work pool, without Beast:
// route it; for a routed request authenticate, enforce the route's access rule (who may
// call: RouteOptions::allow, the one place every route passes), apply the CSRF rule and
// run the handler
// (a throwing handler or authenticator answers 500 and is logged); otherwise answer 405
// with Allow, 404 problem for /api/ paths, or a static file of the web app.
// `route` receives the metrics/log label (the pattern, "static" or "unmatched") before
// anything answers. `respond` must tolerate being called more than once (the server's
// Respond keeps only the first answer). The router and authenticator must outlive it.
class Dispatcher {
 public:
  Dispatcher(const Router& router, Authenticator* authenticator, std::string public_url,
             std::string web_root);

  void dispatch(Request& request, std::string& route, const Respond& respond) const;
  // The same with the request's route already matched (by dispatch_inline).
  void dispatch(Request& request, std::string& route, const Respond& respond,
                RouteMatch match) const;

  // For the network thread: runs the request as dispatch() would and returns true when its
  // route is `nonblocking` and the authenticator knows the caller without blocking, or when
  // it is for a web app file held in memory (StaticFiles::serve_cached); returns
  // false otherwise, having done nothing but match the route into `match` (the caller then
  // dispatches on the work pool with it).
  bool dispatch_inline(Request& request, std::string& route, const Respond& respond,
                       RouteMatch& match) const;

  // For the network thread, before anything else: the answer of a GET/HEAD that memory
  // holds (a web app file, or a route's `answer_now`), when the authenticator knows the
  // caller without blocking. False (and nothing answered) otherwise.
  bool answer_now(Request& request, std::string& route, std::optional<Response>& out) const;

  const std::string& public_origin() const noexcept { return public_origin_; }

 private:
  // Authenticated already: the CSRF rule, then the handler.
  void run_handler(Request& request, RouteMatch& match, std::optional<Principal> principal,
                   const Respond& respond) const;

  const Router& router_;
  Authenticator* authenticator_;
  std::string public_origin_;
  StaticFiles static_files_;
};

// The route's access rule (router.hpp Allow) for this caller: nullopt when admitted, else
// the 401 or 403 to answer. `params` are the route's path parameters ({id} names the event
// a door token must be scoped to).
std::optional<Error> check_access(const Allow& allow, const std::optional<Principal>& caller,
                                  const std::map<std::string, std::string, std::less<>>& params);

// The Allow header value for a list of methods: "GET, HEAD, POST".
std::string allow_header(const std::vector<Method>& methods);

}  // namespace admit::http
