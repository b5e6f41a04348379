#pragma once
// The HTTP vocabulary handlers see: plain structs, no Beast. Only http/server.cpp includes
// Beast/Asio, so handlers and services compile quickly and can be unit-tested directly.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "common/error.hpp"

namespace admit::http {

enum class Method { get, head, post, put, patch, delete_, options, other };
std::string_view to_string(Method m) noexcept;

// Who is calling, resolved by the Authenticator before the handler runs.
struct Principal {
  enum class Via { session, bearer };
  std::string user_id;
  std::string email;
  std::string name;
  std::vector<std::string> roles;      // "attendee", "organizer", "admin"
  Via via = Via::bearer;
  std::string credential_id;           // session id hash or token id (for sign-out / revocation)
  std::optional<std::string> event_scope;  // bearer token limited to one event's check-in

  bool has_role(std::string_view role) const {
    for (const auto& r : roles)
      if (r == role) return true;
    return false;
  }
};

struct Request {
  Method method = Method::get;
  std::string target;        // as received: path + query
  std::string path;          // decoded path without query
  std::string query_string;  // raw, without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string remote_address;  // client IP (after trusted proxy handling)
  std::string request_id;
  std::map<std::string, std::string, std::less<>> params;  // path parameters, e.g. {id}
  std::optional<Principal> principal;

  std::optional<std::string_view> header(std::string_view lower_name) const;
  // Decoded query parameter (first occurrence).
  std::optional<std::string> query(std::string_view name) const;
  std::optional<std::string> cookie(std::string_view name) const;
  const std::string& param(std::string_view name) const;  // path parameter (must exist)
  // Frees everything but the request id and method, once the handler has taken what it
  // needs (the server does this after a nonblocking handler returns; router.hpp).
  void release_payload() noexcept;
};

// A file kept open to be sent with sendfile(2) from the page cache (a large web app file):
// no copy through user memory. The descriptor closes with the last reference; `size` is the
// length when opened (the server closes the connection if the file became shorter).
struct OpenFile {
  OpenFile(int fd, std::uint64_t size) noexcept : fd(fd), size(size) {}
  ~OpenFile();
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  // The regular file at `path`, opened read-only; nullptr when it cannot be.
  static std::shared_ptr<const OpenFile> open(const std::string& path);

  const int fd;
  const std::uint64_t size;
};

struct Response {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string file_path;  // when set, the server streams this file as the body
  // When set, the body instead of `body`: an answer held ready in memory (a snapshot, a
  // web app file), sent without a copy.
  std::shared_ptr<const std::string> shared_body;
  // When set, the body instead of the above: sent from this open file with sendfile(2).
  std::shared_ptr<const OpenFile> open_file;
  // When set, the answer is built by this function on the network thread just before it
  // is sent, and replaces everything above: a thread that answers many requests at once
  // (a registration writer) hands over the result instead of rendering each body itself.
  std::function<Response()> later;

  std::string_view body_view() const noexcept {
    return shared_body ? std::string_view(*shared_body) : std::string_view(body);
  }
  Response& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  static Response json(int status, const boost::json::value& body);
  static Response text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
  static Response no_content();
  static Response redirect(int status, std::string location);
  // application/problem+json from the one table of codes (problem.cpp); adds Retry-After.
  static Response problem(const Error& error, std::string_view request_id = {});
  static Response deferred(std::function<Response()> make);
};

// Answers a request exactly once, from any thread.
using Respond = std::function<void(Response)>;
// A handler runs on the application work pool, or on a network thread when its route is
// `nonblocking` (router.hpp). It may answer synchronously or keep `respond` and answer
// later (the registration engine does).
using Handler = std::function<void(Request&, Respond)>;
// The common case: compute the response and return it.
using SyncHandler = std::function<Response(Request&)>;
Handler sync(SyncHandler fn);

int status_of(ErrorCode code) noexcept;

}  // namespace admit::http
