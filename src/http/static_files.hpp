#pragma once
// StaticFiles: the built web app (web_root) served for GET/HEAD paths that no route claims.
// - At construction every file of web_root (up to kMemoryLimit bytes in all) is read into
//   memory with the gzip/brotli twins the web build made beside it ("app.js.gz",
//   "app.js.br"); answers come from there, chosen by Accept-Encoding, with a strong ETag
//   (If-None-Match answers 304) and no disk access per request (representation.hpp).
//   Files of kSendfileMinBytes or more (and their twins) are hashed at construction but kept
//   as open files instead, which the server sends with sendfile(2) from the page cache, as
//   nginx does: a large body copied out of user memory cost more than the whole request.
// - "/" and unknown app paths without a file extension answer index.html (the SPA route
//   table lives in the browser), with Cache-Control: no-cache (revalidated by ETag).
// - "/assets/..." files have content-hashed names: Cache-Control: public, max-age=31536000,
//   immutable. A missing asset or a missing file with an extension answers 404, never
//   index.html (a browser must not receive HTML for a script).
// - A file that appeared after start (a rebuilt web app) is streamed from disk (serve()).
// - `decoded_path` must already be percent-decoded; any ".." or "." segment, backslash or NUL
//   is refused (bad_request), so nothing outside web_root is reachable.
// Thread-safe: nothing changes after construction.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "http/message.hpp"
#include "http/representation.hpp"

namespace admit::http {

class StaticFiles {
 public:
  static constexpr std::size_t kMemoryLimit = 64u << 20;
  static constexpr std::size_t kSendfileMinBytes = 64u << 10;

  explicit StaticFiles(std::string web_root);  // empty: no web app, everything is 404

  bool enabled() const noexcept { return !root_.empty(); }
  // The answer from memory, or nullopt when only the disk can tell (then call serve()).
  std::optional<Response> serve_cached(const Request& request) const;
  // The answer from disk (streamed by the server).
  Response serve(std::string_view decoded_path, std::string_view request_id) const;

  std::size_t cached_files() const noexcept { return files_.size(); }
  std::size_t cached_bytes() const noexcept { return bytes_; }  // held in memory
  std::size_t open_files() const noexcept { return opened_; }   // held open for sendfile

  // "text/javascript; charset=utf-8" for "app.js"; application/octet-stream when unknown.
  static std::string_view content_type_for(std::string_view file_name) noexcept;

 private:
  void load();

  std::string root_;  // without a trailing slash
  std::unordered_map<std::string, std::shared_ptr<const Representation>> files_;  // by URL path
  std::shared_ptr<const Representation> index_;
  std::size_t bytes_ = 0;
  std::size_t opened_ = 0;
};

}  // namespace admit::http
