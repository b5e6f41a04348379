#pragma once
// The server's rules for the bytes on the wire that need no Beast or Asio, kept out of
// server.cpp (the one Beast/Asio translation unit) so that file stays small and its
// templates compile once: the header fields of every answer, the response head of string
// bodies, what a request's head says before routing (request id, client address, framing,
// path and query), the listen address, and the connection caps.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "http/message.hpp"

namespace admit::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// 1xx, 204 and 304 answers carry no body.
bool body_forbidden(int status) noexcept;
// Handler-supplied headers must not smuggle CR/LF into the answer: a token name, a value
// without CR, LF or NUL.
bool header_is_safe(std::string_view name, std::string_view value) noexcept;
bool ascii_iequals(std::string_view a, std::string_view b) noexcept;
// The Date header, formatted once per second per thread.
const std::string& http_date_now();
// Fields the server writes itself (its own and the security headers): a handler's copy
// would be a duplicate.
bool server_owned_field(std::string_view name, const HeaderList& security) noexcept;

// The header fields every answer carries, in order, but Content-Length and Connection
// (which depend on how the body is sent): content type, the handler's own (unsafe or
// server-owned ones dropped and logged), security headers, X-Request-Id, Date, and
// Cache-Control: no-store unless the handler set one.
template <class Emit>
void for_each_field(const Response& response, const std::string& request_id,
                    const HeaderList& security, Emit&& emit);

// A status outside 200..599 from a handler is logged and answered 500.
void ensure_valid_status(Response& response, const std::string& request_id);
// An answer built after the handler (Response::later) is built now, on the network thread;
// a throw there is logged and answered 500.
void build_later_body(Response& response, const std::string& request_id, const std::string& route);

// Status line and header fields of a string-body or open-file answer, ending in the blank
// line. `reason` is the status's reason phrase.
std::string response_head(const Response& response, std::string_view reason, unsigned version,
                          bool keep_alive, bool forbidden, const std::string& request_id,
                          const HeaderList& security);

// What the head of a request says before routing. `request` holds method, target and
// headers (names lower-case). Sets the request id (an incoming sane X-Request-Id, else a
// new one), the client address, and the path (percent-decoded) and query string;
// `raw_path` is the target's path as sent. Returns the error to answer (then close): the
// framing rules of check_framing, a target that is not an absolute path or not validly
// encoded.
std::optional<Error> read_request_head(Request& request, unsigned version, std::string_view peer,
                                       bool trust_proxy, std::string_view& raw_path);

// The 413 answer for a body over `limit` bytes.
Error body_too_large(std::size_t limit);

// "host:port" / "[v6]:port" split; an empty host means every IPv4 address. Throws
// std::runtime_error naming the address when it is not of that form or the port is invalid.
struct ListenAddress {
  std::string host;
  std::string port;
  std::uint16_t port_number = 0;
};
ListenAddress split_listen_address(const std::string& listen);

// Open connections by client address (cap key: an IPv4 address, or an IPv6 /64), for the
// per-address cap. Not thread-safe: the server holds its lock around it.
class AddressCounts {
 public:
  AddressCounts(std::size_t cap, std::vector<std::string> exempt)
      : cap_(cap), exempt_(std::move(exempt)) {}
  // Counts a new connection from `peer`; false when its address already has `cap` open.
  bool add(const std::string& peer, const std::string& cap_key);
  void remove(const std::string& cap_key);

 private:
  bool exempt(const std::string& address) const;
  const std::size_t cap_;
  const std::vector<std::string> exempt_;
  std::unordered_map<std::string, std::size_t> open_;
};

// ---- template definitions ----

void log_dropped_header(const std::string& request_id, const std::string& name);

template <class Emit>
void for_each_field(const Response& response, const std::string& request_id,
                    const HeaderList& security, Emit&& emit) {
  if (!response.content_type.empty()) emit("Content-Type", response.content_type);
  bool cache_control = false;
  for (const auto& [name, value] : response.headers) {
    if (!header_is_safe(name, value)) {
      log_dropped_header(request_id, name);
      continue;
    }
    if (server_owned_field(name, security)) continue;
    cache_control = cache_control || ascii_iequals(name, "cache-control");
    emit(name, value);
  }
  for (const auto& [name, value] : security) emit(name, value);
  emit("X-Request-Id", request_id);
  emit("Date", http_date_now());
  if (!cache_control) emit("Cache-Control", "no-store");
}

}  // namespace admit::http
