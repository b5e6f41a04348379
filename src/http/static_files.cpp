#include "http/static_files.hpp"

#include <sys/stat.h>

#include <array>

namespace admit::http {
namespace {

bool is_regular_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool safe_path(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  if (path.find('\0') != std::string_view::npos || path.find('\\') != std::string_view::npos)
    return false;
  std::string_view rest = path.substr(1);
  for (;;) {
    auto slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    if (seg == ".." || seg == ".") return false;
    if (slash == std::string_view::npos) return true;
    rest.remove_prefix(slash + 1);
  }
}

std::string_view extension_of(std::string_view name) noexcept {
  auto slash = name.rfind('/');
  if (slash != std::string_view::npos) name = name.substr(slash + 1);
  auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  return name.substr(dot + 1);
}

}  // namespace

StaticFiles::StaticFiles(std::string web_root) : root_(std::move(web_root)) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

std::string_view StaticFiles::content_type_for(std::string_view file_name) noexcept {
  struct Type {
    std::string_view ext, type;
  };
  static constexpr std::array<Type, 15> kTypes{{
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"webp", "image/webp"},
      {"ico", "image/x-icon"},
      {"json", "application/json"},
      {"webmanifest", "application/manifest+json"},
      {"woff2", "font/woff2"},
      {"txt", "text/plain; charset=utf-8"},
      {"map", "application/json"},
      {"pdf", "application/pdf"},
  }};
  std::string_view ext = extension_of(file_name);
  for (const auto& t : kTypes)
    if (t.ext == ext) return t.type;
  return "application/octet-stream";
}

Response StaticFiles::serve(std::string_view decoded_path, std::string_view request_id) const {
  if (root_.empty()) return Response::problem(Error::not_found("page"), request_id);
  if (!safe_path(decoded_path)) return Response::problem(Error::bad_request("invalid path"), request_id);

  auto index = [&] {
    Response r;
    r.file_path = root_ + "/index.html";
    r.content_type = content_type_for("index.html");
    r.header("Cache-Control", "no-cache");
    return r;
  };
  if (decoded_path == "/" || decoded_path == "/index.html") return index();

  std::string file = root_;
  file += decoded_path;
  bool is_asset = decoded_path.starts_with("/assets/");
  if (decoded_path.back() != '/' && is_regular_file(file)) {
    Response r;
    r.file_path = std::move(file);
    r.content_type = content_type_for(decoded_path);
    r.header("Cache-Control", is_asset ? "public, max-age=31536000, immutable" : "no-cache");
    return r;
  }
  if (is_asset || !extension_of(decoded_path).empty())
    return Response::problem(Error::not_found("file"), request_id);
  return index();
}

}  // namespace admit::http
