#pragma once
// StaticFiles: the built web app (web_root) served for GET/HEAD paths that no route claims.
// - "/" and unknown app paths without a file extension answer index.html (the SPA route
//   table lives in the browser), with Cache-Control: no-cache.
// - "/assets/..." files have content-hashed names: Cache-Control: public, max-age=31536000,
//   immutable. A missing asset or a missing file with an extension answers 404, never
//   index.html (a browser must not receive HTML for a script).
// - `decoded_path` must already be percent-decoded; any ".." or "." segment, backslash or NUL
//   is refused (bad_request), so nothing outside web_root is reachable.
// The answer names the file (Response::file_path); the server streams it. Thread-safe.
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace admit::http {

class StaticFiles {
 public:
  explicit StaticFiles(std::string web_root);  // empty: no web app, everything is 404

  bool enabled() const noexcept { return !root_.empty(); }
  Response serve(std::string_view decoded_path, std::string_view request_id) const;

  // "text/javascript; charset=utf-8" for "app.js"; application/octet-stream when unknown.
  static std::string_view content_type_for(std::string_view file_name) noexcept;

 private:
  std::string root_;  // without a trailing slash
};

}  // namespace admit::http
