#pragma once
// Content negotiation and compression for answers: gzip made with zlib at run time (JSON
// answers, the public snapshots), and the gzip/brotli files the web build made ahead of
// time (static_files). Plain C++: no Beast.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace admit::http {

enum class Encoding { identity, gzip, br };
std::string_view to_string(Encoding e) noexcept;  // the Content-Encoding token ("" for identity)

// What an Accept-Encoding header allows (RFC 9110 §12.5.3: q-values, "*", "identity;q=0"
// does not stop us answering identity). A missing header allows only identity.
struct AcceptedEncodings {
  bool gzip = false;
  bool br = false;
};
AcceptedEncodings parse_accept_encoding(std::optional<std::string_view> header) noexcept;

// gzip of `data` (a complete gzip member); level 1..9. Throws std::runtime_error on zlib
// failure (out of memory).
std::string gzip(std::string_view data, int level = 6);
// The inverse, for tests; nullopt when `data` is not a valid gzip stream.
std::optional<std::string> gunzip(std::string_view data);

// Answers smaller than this are not worth compressing (a TCP segment either way).
inline constexpr std::size_t kCompressMinBytes = 1024;

// Compresses a JSON (or other text) string body in place with gzip when the client accepts
// it, the answer is 200 and at least kCompressMinBytes, and nothing set Content-Encoding or
// a shared body already; adds Content-Encoding and Vary: Accept-Encoding. Answers that
// could be compressed but are not (client refuses) still get the Vary.
void compress_if_worthwhile(Response& response, const AcceptedEncodings& accepted);

}  // namespace admit::http
