#include "http/handlers/offload.hpp"

#include <exception>

#include "common/log.hpp"

namespace admit::http {

void offload(WorkPool& pool, const Request& req, const Respond& respond,
             std::function<Response()> fn) {
  std::string request_id = req.request_id;
  bool posted = pool.try_post([respond, request_id, fn = std::move(fn)] {
    try {
      respond(fn());
    } catch (const std::exception& e) {
      log::error("request failed", {{"request_id", request_id}, {"error", e.what()}});
      respond(Response::problem(Error::internal(), request_id));
    }
  });
  if (!posted)
    respond(Response::problem(
        Error::unavailable(1, "The server is busy; try again in a moment."),
        req.request_id));
}

ClientInfo client_of(const Request& req) {
  ClientInfo c;
  c.ip = req.remote_address;
  if (auto ua = req.header("user-agent")) c.user_agent = std::string(ua->substr(0, 400));
  return c;
}

}  // namespace admit::http
