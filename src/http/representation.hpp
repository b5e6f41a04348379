#pragma once
// Representation: an answer body held ready in memory with its compressed forms and a
// strong entity tag, and the one way such answers go out: content negotiation
// (Accept-Encoding → identity, gzip or br; Vary: Accept-Encoding), conditional requests
// (If-None-Match → 304 without a body) and the caller's Cache-Control.
// Entity tags: `"<hash>"` for the identity bytes and `"<hash>.gz"` / `"<hash>.br"` for the
// encoded ones (a strong tag names exact bytes, RFC 9110 §8.8.3). The hash is of the
// identity bytes, so every tag changes exactly when the content does; If-None-Match
// matches any encoding's tag of the same content.
#include <memory>
#include <string>
#include <string_view>

#include "http/compression.hpp"
#include "http/message.hpp"

namespace admit::http {

struct Representation {
  std::string content_type;
  std::shared_ptr<const std::string> identity;
  std::shared_ptr<const std::string> gzip;  // null when not worth it or not made
  std::shared_ptr<const std::string> br;    // null when not made
  std::string hash;                          // of the identity bytes, hex
  // Large web app files are sent from open files instead (sendfile(2)); a variant is either
  // in memory above or open here, never both.
  std::shared_ptr<const OpenFile> identity_file, gzip_file, br_file;

  std::string etag(Encoding e) const;
};

// Builds a representation of `body`: hash, and gzip when `compress` and the body is at
// least kCompressMinBytes and gzip makes it smaller.
std::shared_ptr<const Representation> make_representation(std::string body,
                                                           std::string content_type,
                                                           bool compress);

// A short content hash (BLAKE2b-128, hex) for entity tags.
std::string content_hash(std::string_view data);

// True when the If-None-Match header names this content ("*" or one of its tags, weak or
// strong: RFC 9110 §13.1.2 uses the weak comparison for If-None-Match).
bool none_match_hits(std::string_view if_none_match, std::string_view hash) noexcept;

// The answer for `request`: 304 when If-None-Match hits, else 200 with the best encoding
// the client accepts. Both carry ETag, Vary: Accept-Encoding and `cache_control`.
Response answer(const Request& request, const Representation& rep,
                std::string_view cache_control);

}  // namespace admit::http
