#include "http/message.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdexcept>

#include <boost/json/serialize.hpp>

#include "http/url.hpp"

namespace admit::http {

std::string_view to_string(Method m) noexcept {
  switch (m) {
    case Method::get: return "GET";
    case Method::head: return "HEAD";
    case Method::post: return "POST";
    case Method::put: return "PUT";
    case Method::patch: return "PATCH";
    case Method::delete_: return "DELETE";
    case Method::options: return "OPTIONS";
    case Method::other: return "OTHER";
  }
  return "OTHER";
}

OpenFile::~OpenFile() {
  if (fd >= 0) ::close(fd);
}

std::shared_ptr<const OpenFile> OpenFile::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return nullptr;
  }
  return std::make_shared<const OpenFile>(fd, static_cast<std::uint64_t>(st.st_size));
}

std::optional<std::string_view> Request::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_name) return std::string_view(value);
  return std::nullopt;
}

std::optional<std::string> Request::query(std::string_view name) const {
  std::string_view rest = query_string;
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string_view raw_key = pair.substr(0, eq);
    std::string_view raw_value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    // Fast path: most keys need no decoding.
    bool plain = raw_key.find_first_of("%+") == std::string_view::npos;
    if (plain ? raw_key != name : percent_decode_lenient(raw_key, true) != name) continue;
    return percent_decode_lenient(raw_value, true);
  }
  return std::nullopt;
}

std::optional<std::string> Request::cookie(std::string_view name) const {
  // Browsers send one Cookie header, but HTTP/2 proxies may split it: look at all of them.
  for (const auto& [header_name, value] : headers) {
    if (header_name != "cookie") continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      auto semi = rest.find(';');
      std::string_view pair = trim_spaces(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
      auto eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      if (trim_spaces(pair.substr(0, eq)) != name) continue;
      std::string_view v = trim_spaces(pair.substr(eq + 1));
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return std::string(v);
    }
  }
  return std::nullopt;
}

const std::string& Request::param(std::string_view name) const {
  auto it = params.find(name);
  if (it == params.end())
    throw std::out_of_range("no path parameter '" + std::string(name) + "' in this route");
  return it->second;
}

Response Response::json(int status, const boost::json::value& body) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = boost::json::serialize(body);
  return r;
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

void Request::release_payload() noexcept {
  std::string().swap(target);
  std::string().swap(path);
  std::string().swap(query_string);
  std::vector<std::pair<std::string, std::string>>().swap(headers);
  std::string().swap(body);
  params.clear();
  principal.reset();
}

Response Response::deferred(std::function<Response()> make) {
  Response r;
  r.later = std::move(make);
  return r;
}

Response Response::no_content() {
  Response r;
  r.status = 204;
  return r;
}

Response Response::redirect(int status, std::string location) {
  Response r;
  r.status = status;
  r.headers.emplace_back("Location", std::move(location));
  return r;
}

Handler sync(SyncHandler fn) {
  return [fn = std::move(fn)](Request& request, Respond respond) { respond(fn(request)); };
}

}  // namespace admit::http
