#include "http/compression.hpp"

#include <zlib.h>

#include <stdexcept>

namespace admit::http {
namespace {

bool iequal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The q-value of one Accept-Encoding element ("gzip;q=0.5" -> 0.5); 1 when absent,
// 0 when malformed (ignored rather than trusted).
double q_value(std::string_view params) noexcept {
  while (!params.empty()) {
    auto semi = params.find(';');
    std::string_view p = trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view{} : params.substr(semi + 1);
    if (p.size() < 2 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=') continue;
    std::string_view v = p.substr(2);
    if (v.empty() || v.size() > 5 || (v[0] != '0' && v[0] != '1')) return 0;
    double q = v[0] - '0';
    if (v.size() > 1) {
      if (v[1] != '.') return 0;
      double scale = 0.1;
      for (std::size_t i = 2; i < v.size(); ++i, scale /= 10) {
        if (v[i] < '0' || v[i] > '9') return 0;
        q += (v[i] - '0') * scale;
      }
    }
    return q > 1 ? 0 : q;
  }
  return 1;
}

bool is_textual(std::string_view content_type) noexcept {
  return content_type.starts_with("application/json") ||
         content_type.starts_with("application/problem+json") ||
         content_type.starts_with("text/");
}

}  // namespace

std::string_view to_string(Encoding e) noexcept {
  switch (e) {
    case Encoding::gzip: return "gzip";
    case Encoding::br: return "br";
    case Encoding::identity: break;
  }
  return "";
}

AcceptedEncodings parse_accept_encoding(std::optional<std::string_view> header) noexcept {
  AcceptedEncodings out;
  if (!header) return out;
  std::string_view rest = *header;
  std::optional<bool> star, gzip_q, br_q;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view item = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    auto semi = item.find(';');
    std::string_view coding = trim(item.substr(0, semi));
    const bool allowed =
        q_value(semi == std::string_view::npos ? std::string_view{} : item.substr(semi + 1)) > 0;
    if (iequal(coding, "gzip") || iequal(coding, "x-gzip")) gzip_q = allowed;
    else if (iequal(coding, "br")) br_q = allowed;
    else if (coding == "*") star = allowed;
  }
  out.gzip = gzip_q.value_or(star.value_or(false));
  out.br = br_q.value_or(star.value_or(false));
  return out;
}

std::string gzip(std::string_view data, int level) {
  z_stream zs{};
  // windowBits 15 + 16: a gzip header and trailer rather than zlib's.
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("gzip: deflateInit2 failed");
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(data.size())));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  const auto written = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("gzip: deflate did not finish");
  out.resize(written);
  return out;
}

std::optional<std::string> gunzip(std::string_view data) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return std::nullopt;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char chunk[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof chunk;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(chunk, sizeof chunk - zs.avail_out);
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) break;
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}

void compress_if_worthwhile(Response& response, const AcceptedEncodings& accepted) {
  if (response.status != 200 || response.shared_body || response.open_file || !response.file_path.empty())
    return;
  if (response.body.size() < kCompressMinBytes || !is_textual(response.content_type)) return;
  for (const auto& [name, value] : response.headers)
    if (iequal(name, "content-encoding") || iequal(name, "vary")) return;
  response.header("Vary", "Accept-Encoding");
  if (!accepted.gzip) return;
  response.body = gzip(response.body, 1);  // fast: these are made per request
  response.header("Content-Encoding", "gzip");
}

}  // namespace admit::http
