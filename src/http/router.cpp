#include "http/router.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "http/url.hpp"

namespace admit::http {
namespace {

constexpr std::size_t kMaxSegments = 32;

// Splits "/a/b/c" into {"a","b","c"} without allocating. Returns false for a path that does
// not start with '/' or has too many segments (it then matches nothing).
bool split_path(std::string_view path, std::array<std::string_view, kMaxSegments>& out,
                std::size_t& count) {
  count = 0;
  if (path.empty() || path.front() != '/') return false;
  path.remove_prefix(1);
  if (path.empty()) return true;  // "/" has no segments
  for (;;) {
    if (count == kMaxSegments) return false;
    auto slash = path.find('/');
    out[count++] = path.substr(0, slash);
    if (slash == std::string_view::npos) return true;
    path.remove_prefix(slash + 1);
  }
}

bool is_param(std::string_view segment) noexcept {
  return segment.size() >= 3 && segment.front() == '{' && segment.back() == '}';
}

// Decodes a raw segment when it has escapes; nullopt when it is malformed.
std::optional<std::string> decode_segment(std::string_view raw) {
  if (raw.find('%') == std::string_view::npos) return std::string(raw);
  return percent_decode(raw, /*plus_as_space=*/false);
}

}  // namespace

void Router::add(Method method, std::string pattern, Handler handler, RouteOptions options) {
  Route route{method, std::move(pattern), {}, std::move(handler), options};
  std::array<std::string_view, kMaxSegments> parts{};
  std::size_t n = 0;
  if (!split_path(route.pattern, parts, n))
    throw std::invalid_argument("route pattern must start with '/': " + route.pattern);
  for (std::size_t i = 0; i < n; ++i) route.segments.emplace_back(parts[i]);
  for (const auto& r : routes_)
    if (r.method == method && r.segments == route.segments)
      throw std::invalid_argument("route registered twice: " + route.pattern);
  routes_.push_back(std::move(route));
}

RouteMatch Router::match(Method method, std::string_view path) const {
  RouteMatch result;
  std::array<std::string_view, kMaxSegments> parts{};
  std::size_t n = 0;
  if (!split_path(path, parts, n)) return result;

  const Route* found = nullptr;      // exact method
  const Route* get_route = nullptr;  // for HEAD falling back to GET
  std::map<std::string, std::string, std::less<>> found_params;
  std::map<std::string, std::string, std::less<>> get_params;
  std::map<std::string, std::string, std::less<>> params;

  for (const auto& route : routes_) {
    if (route.segments.size() != n) continue;
    bool wanted = route.method == method || (method == Method::head && route.method == Method::get);
    // Cheap literal check first, without decoding.
    bool ok = true;
    params.clear();
    for (std::size_t i = 0; i < n && ok; ++i) {
      const std::string& seg = route.segments[i];
      if (is_param(seg)) {
        if (parts[i].empty()) ok = false;
        continue;
      }
      if (parts[i] == seg) continue;
      if (parts[i].find('%') == std::string_view::npos) { ok = false; continue; }
      auto decoded = decode_segment(parts[i]);
      ok = decoded && *decoded == seg;
    }
    if (!ok) continue;
    if (!wanted) {
      if (std::find(result.allowed.begin(), result.allowed.end(), route.method) == result.allowed.end())
        result.allowed.push_back(route.method);
      continue;
    }
    if ((route.method == method && found) || (route.method != method && get_route)) continue;
    // Decode the parameters of the matching route.
    for (std::size_t i = 0; i < n && ok; ++i) {
      const std::string& seg = route.segments[i];
      if (!is_param(seg)) continue;
      auto decoded = decode_segment(parts[i]);
      if (!decoded || decoded->empty()) { ok = false; break; }
      params.emplace(seg.substr(1, seg.size() - 2), std::move(*decoded));
    }
    if (!ok) continue;
    if (route.method == method) { found = &route; found_params = std::move(params); }
    else { get_route = &route; get_params = std::move(params); }
  }

  const Route* chosen = found ? found : get_route;
  if (chosen) {
    result.handler = &chosen->handler;
    result.options = &chosen->options;
    result.name = chosen->pattern;
    result.params = found ? std::move(found_params) : std::move(get_params);
    result.allowed.clear();
    return result;
  }
  // Path known with other methods only: a GET route also answers HEAD.
  if (!result.allowed.empty()) {
    bool has_get = std::find(result.allowed.begin(), result.allowed.end(), Method::get) != result.allowed.end();
    bool has_head = std::find(result.allowed.begin(), result.allowed.end(), Method::head) != result.allowed.end();
    if (has_get && !has_head) result.allowed.push_back(Method::head);
    std::sort(result.allowed.begin(), result.allowed.end());
  }
  return result;
}

std::size_t Router::body_limit_for(Method method, std::string_view path) const {
  RouteOptions defaults;
  std::array<std::string_view, kMaxSegments> parts{};
  std::size_t n = 0;
  if (!split_path(path, parts, n)) return defaults.body_limit;
  std::size_t exact = 0;
  bool have_exact = false;
  std::size_t largest = 0;
  bool any = false;
  for (const auto& route : routes_) {
    if (route.segments.size() != n) continue;
    bool ok = true;
    for (std::size_t i = 0; i < n && ok; ++i) {
      const std::string& seg = route.segments[i];
      if (is_param(seg)) continue;
      if (parts[i] == seg) continue;
      auto decoded = parts[i].find('%') == std::string_view::npos ? std::nullopt : decode_segment(parts[i]);
      ok = decoded && *decoded == seg;
    }
    if (!ok) continue;
    any = true;
    largest = std::max(largest, route.options.body_limit);
    if (route.method == method) { exact = route.options.body_limit; have_exact = true; }
  }
  if (have_exact) return exact;
  return any ? largest : defaults.body_limit;
}

}  // namespace admit::http
