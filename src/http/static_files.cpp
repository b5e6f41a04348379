#include "http/static_files.hpp"

#include <sys/stat.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "common/log.hpp"

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

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kRevalidate = "no-cache";

std::optional<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  return data;
}

}  // namespace

StaticFiles::StaticFiles(std::string web_root) : root_(std::move(web_root)) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
  if (!root_.empty()) load();
}

void StaticFiles::load() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path root(root_);
  if (!fs::is_directory(root, ec)) return;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const fs::path& path = it->path();
    const std::string ext = path.extension().string();
    if (ext == ".gz" || ext == ".br") continue;  // twins, read with their original
    std::string url(1, '/');  // (not "/" + ...: GCC 12 -O3 warns falsely, -Wrestrict)
    url += fs::relative(path, root, ec).generic_string();
    if (ec || !safe_path(url)) continue;
    auto data = read_file(path);
    if (!data) continue;
    const bool large = data->size() >= kSendfileMinBytes;
    if (!large && bytes_ + data->size() > kMemoryLimit) {
      log::warn("web app larger than the memory cache; the rest is read from disk",
                {{"limit_bytes", kMemoryLimit}});
      break;
    }
    auto rep = std::make_shared<Representation>();
    rep->hash = content_hash(*data);
    rep->content_type = std::string(content_type_for(url));
    // A twin is used only when smaller than the file; a large one is kept open, not read.
    auto twin = [&](std::string_view suffix, std::shared_ptr<const std::string>& bytes,
                    std::shared_ptr<const OpenFile>& file) {
      const std::string twin_path = path.string() + std::string(suffix);
      if (large) {
        auto open = OpenFile::open(twin_path);
        if (open && open->size < data->size()) file = std::move(open);
        return;
      }
      auto packed = read_file(twin_path);
      if (!packed || packed->size() >= data->size()) return;
      bytes_ += packed->size();
      bytes = std::make_shared<const std::string>(std::move(*packed));
    };
    twin(".gz", rep->gzip, rep->gzip_file);
    twin(".br", rep->br, rep->br_file);
    if (large) {
      rep->identity_file = OpenFile::open(path.string());
      if (!rep->identity_file) continue;
      opened_ += 1 + (rep->gzip_file ? 1 : 0) + (rep->br_file ? 1 : 0);
    } else {
      bytes_ += data->size();
      rep->identity = std::make_shared<const std::string>(std::move(*data));
    }
    files_.emplace(url, std::move(rep));
  }
  if (auto it = files_.find("/index.html"); it != files_.end()) index_ = it->second;
  log::info("web app in memory", {{"files", files_.size()}, {"bytes", bytes_}, {"open_files", opened_}});
}

std::optional<Response> StaticFiles::serve_cached(const Request& request) const {
  if (root_.empty()) return Response::problem(Error::not_found("page"), request.request_id);
  const std::string& path = request.path;
  if (!safe_path(path)) return Response::problem(Error::bad_request("invalid path"), request.request_id);
  if (path == "/" || path == "/index.html") {
    if (!index_) return std::nullopt;
    return answer(request, *index_, kRevalidate);
  }
  if (auto it = files_.find(path); it != files_.end())
    return answer(request, *it->second, path.starts_with("/assets/") ? kImmutable : kRevalidate);
  if (path.back() == '/' || extension_of(path).empty()) {
    // An app route (the browser's router decides): index.html.
    if (!index_) return std::nullopt;
    return answer(request, *index_, kRevalidate);
  }
  return std::nullopt;  // perhaps a file written after start: the disk decides
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
