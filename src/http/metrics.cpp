#include "http/metrics.hpp"

#include <charconv>
#include <cmath>
#include <exception>
#include <stdexcept>

namespace admit::http {
namespace {

void append_number(std::string& out, double v) {
  if (std::isnan(v)) { out += "NaN"; return; }
  if (std::isinf(v)) { out += v > 0 ? "+Inf" : "-Inf"; return; }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  if (ec == std::errc{}) out.append(buf, end);
  else out += '0';
}

void append_number(std::string& out, std::uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, ec == std::errc{} ? end : buf);
}

void append_label_value(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
}

void append_help_text(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
}

bool valid_metric_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

void append_header(std::string& out, std::string_view name, std::string_view help,
                   std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  append_help_text(out, help);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

}  // namespace

void Metrics::observe_request(std::string_view route, Method method, int status, double seconds) {
  std::size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  std::lock_guard lock(requests_mutex_);
  auto it = routes_.find(route);
  if (it == routes_.end()) it = routes_.emplace(std::string(route), RouteSeries{}).first;
  RouteSeries& s = it->second;
  ++s.buckets[bucket];
  ++s.count;
  s.sum += seconds;
  for (auto& sc : s.statuses) {
    if (sc.method == method && sc.status == status) {
      ++sc.count;
      return;
    }
  }
  s.statuses.push_back({method, status, 1});
}

void Metrics::add_gauge(std::string name, std::string help, std::function<double()> read) {
  add_callback(std::move(name), std::move(help), false, std::move(read));
}

void Metrics::add_counter(std::string name, std::string help, std::function<double()> read) {
  add_callback(std::move(name), std::move(help), true, std::move(read));
}

void Metrics::add_callback(std::string name, std::string help, bool counter,
                           std::function<double()> read) {
  if (!valid_metric_name(name)) throw std::invalid_argument("invalid metric name: " + name);
  if (!read) throw std::invalid_argument("metric " + name + " needs a callback");
  std::lock_guard lock(callbacks_mutex_);
  for (const auto& c : callbacks_)
    if (c.name == name) throw std::invalid_argument("metric registered twice: " + name);
  callbacks_.push_back({std::move(name), std::move(help), counter, std::move(read)});
}

std::string Metrics::render() const {
  std::string out;
  out.reserve(4096);
  {
    // Copy under the lock, format outside it, so scraping never stalls requests.
    std::map<std::string, RouteSeries, std::less<>> routes;
    {
      std::lock_guard lock(requests_mutex_);
      routes = routes_;
    }
    append_header(out, "admit_http_requests_total", "HTTP requests answered.", "counter");
    for (const auto& [route, s] : routes) {
      for (const auto& sc : s.statuses) {
        out += "admit_http_requests_total{route=\"";
        append_label_value(out, route);
        out += "\",method=\"";
        out += to_string(sc.method);
        out += "\",status=\"";
        append_number(out, static_cast<std::uint64_t>(sc.status));
        out += "\"} ";
        append_number(out, sc.count);
        out += '\n';
      }
    }
    append_header(out, "admit_http_request_duration_seconds",
                  "Time from a complete request header to the written answer.", "histogram");
    for (const auto& [route, s] : routes) {
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i <= kBuckets.size(); ++i) {
        cumulative += s.buckets[i];
        out += "admit_http_request_duration_seconds_bucket{route=\"";
        append_label_value(out, route);
        out += "\",le=\"";
        if (i < kBuckets.size()) append_number(out, kBuckets[i]);
        else out += "+Inf";
        out += "\"} ";
        append_number(out, cumulative);
        out += '\n';
      }
      out += "admit_http_request_duration_seconds_sum{route=\"";
      append_label_value(out, route);
      out += "\"} ";
      append_number(out, s.sum);
      out += "\nadmit_http_request_duration_seconds_count{route=\"";
      append_label_value(out, route);
      out += "\"} ";
      append_number(out, s.count);
      out += '\n';
    }
  }
  std::lock_guard lock(callbacks_mutex_);
  for (const auto& c : callbacks_) {
    double value = 0;
    try {
      value = c.read();
    } catch (const std::exception&) {
      continue;
    }
    append_header(out, c.name, c.help, c.counter ? "counter" : "gauge");
    out += c.name;
    out += ' ';
    append_number(out, value);
    out += '\n';
  }
  return out;
}

}  // namespace admit::http
