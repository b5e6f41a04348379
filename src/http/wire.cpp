#include "http/wire.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <stdexcept>

#include "common/log.hpp"
#include "common/time.hpp"
#include "http/middleware.hpp"
#include "http/url.hpp"

namespace admit::http {
namespace {

bool is_token_char(char c) noexcept {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

}  // namespace

bool body_forbidden(int status) noexcept { return status < 200 || status == 204 || status == 304; }

bool header_is_safe(std::string_view name, std::string_view value) noexcept {
  if (name.empty()) return false;
  for (char c : name)
    if (!is_token_char(c)) return false;
  for (char c : value)
    if (c == '\r' || c == '\n' || c == '\0') return false;
  return true;
}

bool ascii_iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

const std::string& http_date_now() {
  thread_local std::int64_t cached_second = -1;
  thread_local std::string cached;
  auto now = std::chrono::system_clock::now();
  auto second = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (second != cached_second) {
    cached = format_http_date(std::chrono::time_point_cast<std::chrono::milliseconds>(now));
    cached_second = second;
  }
  return cached;
}

bool server_owned_field(std::string_view name, const HeaderList& security) noexcept {
  for (std::string_view own : {"x-request-id", "date", "content-length", "connection",
                               "transfer-encoding"})
    if (ascii_iequals(name, own)) return true;
  for (const auto& [own, value] : security)
    if (ascii_iequals(name, own)) return true;
  return false;
}

void log_dropped_header(const std::string& request_id, const std::string& name) {
  log::error("handler header dropped", {{"request_id", request_id}, {"header", name}});
}

void ensure_valid_status(Response& response, const std::string& request_id) {
  if (response.status >= 200 && response.status <= 599) return;
  log::error("handler answered an invalid status", {{"request_id", request_id}, {"status", response.status}});
  response = Response::problem(Error::internal(), request_id);
}

void build_later_body(Response& response, const std::string& request_id, const std::string& route) {
  if (!response.later) return;
  auto make = std::move(response.later);
  try {
    response = make();
  } catch (const std::exception& e) {
    log::error("building the answer failed",
               {{"request_id", request_id}, {"route", route}, {"error", e.what()}});
    response = Response::problem(Error::internal(), request_id);
  }
}

std::string response_head(const Response& response, std::string_view reason, unsigned version,
                          bool keep_alive, bool forbidden, const std::string& request_id,
                          const HeaderList& security) {
  std::string head;
  head.reserve(640);
  head += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  head += std::to_string(response.status);
  head += ' ';
  head += reason;
  head += "\r\n";
  auto field = [&head](std::string_view name, std::string_view value) {
    head += name;
    head += ": ";
    head += value;
    head += "\r\n";
  };
  for_each_field(response, request_id, security, field);
  if (!forbidden)
    field("Content-Length", std::to_string(response.open_file ? response.open_file->size
                                                              : response.body_view().size()));
  // HTTP/1.1 stays open unless told; HTTP/1.0 closes unless told.
  if (version == 10 && keep_alive) field("Connection", "keep-alive");
  if (version != 10 && !keep_alive) field("Connection", "close");
  head += "\r\n";
  return head;
}

std::optional<Error> read_request_head(Request& request, unsigned version, std::string_view peer,
                                       bool trust_proxy, std::string_view& raw_path) {
  if (auto incoming = request.header("x-request-id"); incoming && is_sane_request_id(*incoming))
    request.request_id = std::string(*incoming);
  else
    request.request_id = new_request_id();
  request.remote_address = client_address(peer, request.header("x-forwarded-for"), trust_proxy);
  if (auto framing = check_framing(request, version)) return framing;

  std::string_view target = request.target;
  if (target.empty() || target.front() != '/')
    return Error::bad_request("The request target must be an absolute path.");
  auto question = target.find('?');
  raw_path = target.substr(0, question);
  if (question != std::string_view::npos)
    request.query_string = std::string(target.substr(question + 1));
  auto decoded = percent_decode(raw_path, false);
  if (!decoded) return Error::bad_request("The request path is not validly encoded.");
  request.path = std::move(*decoded);
  return std::nullopt;
}

Error body_too_large(std::size_t limit) {
  return Error{ErrorCode::payload_too_large,
               "The request body is larger than " + std::to_string(limit) + " bytes.", {}};
}

ListenAddress split_listen_address(const std::string& listen) {
  ListenAddress a;
  if (!listen.empty() && listen.front() == '[') {
    auto close = listen.find(']');
    if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':')
      throw std::runtime_error("listen address '" + listen + "' is not [host]:port");
    a.host = listen.substr(1, close - 1);
    a.port = listen.substr(close + 2);
  } else {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos)
      throw std::runtime_error("listen address '" + listen + "' is not host:port");
    a.host = listen.substr(0, colon);
    a.port = listen.substr(colon + 1);
  }
  if (a.host.empty()) a.host = "0.0.0.0";
  try {
    std::size_t used = 0;
    const unsigned long n = std::stoul(a.port, &used);
    if (used != a.port.size() || n > 65535) throw std::out_of_range("port");
    a.port_number = static_cast<std::uint16_t>(n);
  } catch (const std::exception&) {
    throw std::runtime_error("listen address '" + listen + "' has an invalid port");
  }
  return a;
}

bool AddressCounts::exempt(const std::string& address) const {
  return std::find(exempt_.begin(), exempt_.end(), address) != exempt_.end();
}

bool AddressCounts::add(const std::string& peer, const std::string& cap_key) {
  if (cap_ == 0 || exempt(peer)) return true;
  std::size_t& open = open_[cap_key];
  if (open >= cap_) return false;
  ++open;
  return true;
}

void AddressCounts::remove(const std::string& cap_key) {
  if (auto it = open_.find(cap_key); it != open_.end() && --it->second == 0) open_.erase(it);
}

}  // namespace admit::http
