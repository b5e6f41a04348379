#include "http/representation.hpp"

#include <sodium.h>

#include <array>

namespace admit::http {
namespace {

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string content_hash(std::string_view data) {
  std::array<unsigned char, 16> digest{};
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(data.data()), data.size(), nullptr, 0);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(digest.size() * 2);
  for (unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string Representation::etag(Encoding e) const {
  std::string tag = "\"" + hash;
  if (e == Encoding::gzip) tag += ".gz";
  if (e == Encoding::br) tag += ".br";
  tag += '"';
  return tag;
}

std::shared_ptr<const Representation> make_representation(std::string body,
                                                           std::string content_type,
                                                           bool compress) {
  auto rep = std::make_shared<Representation>();
  rep->hash = content_hash(body);
  rep->content_type = std::move(content_type);
  if (compress && body.size() >= kCompressMinBytes) {
    std::string packed = gzip(body, 6);
    if (packed.size() < body.size())
      rep->gzip = std::make_shared<const std::string>(std::move(packed));
  }
  rep->identity = std::make_shared<const std::string>(std::move(body));
  return rep;
}

bool none_match_hits(std::string_view header, std::string_view hash) noexcept {
  while (!header.empty()) {
    auto comma = header.find(',');
    std::string_view tag = trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    if (tag == "*") return true;
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag.size() < 2 || tag.front() != '"' || tag.back() != '"') continue;
    tag = tag.substr(1, tag.size() - 2);
    if (tag.ends_with(".gz") || tag.ends_with(".br")) tag.remove_suffix(3);
    if (tag == hash) return true;
  }
  return false;
}

Response answer(const Request& request, const Representation& rep,
                std::string_view cache_control) {
  const AcceptedEncodings accepted = parse_accept_encoding(request.header("accept-encoding"));
  const bool has_gzip = rep.gzip || rep.gzip_file, has_br = rep.br || rep.br_file;
  Encoding chosen = Encoding::identity;
  std::shared_ptr<const std::string> shared = rep.identity;
  std::shared_ptr<const OpenFile> file = rep.identity_file;
  if (has_br && accepted.br) {
    chosen = Encoding::br;
    shared = rep.br;
    file = rep.br_file;
  } else if (has_gzip && accepted.gzip) {
    chosen = Encoding::gzip;
    shared = rep.gzip;
    file = rep.gzip_file;
  }
  Response r;
  r.content_type = rep.content_type;
  r.header("ETag", rep.etag(chosen));
  r.header("Cache-Control", std::string(cache_control));
  if (has_gzip || has_br) r.header("Vary", "Accept-Encoding");
  if (auto inm = request.header("if-none-match"); inm && none_match_hits(*inm, rep.hash)) {
    r.status = 304;
    return r;
  }
  r.status = 200;
  if (chosen != Encoding::identity) r.header("Content-Encoding", std::string(to_string(chosen)));
  if (file)
    r.open_file = std::move(file);
  else
    r.shared_body = std::move(shared);
  return r;
}

}  // namespace admit::http
