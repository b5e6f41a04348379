// Fuzz target: the text helpers that see raw request bytes before any handler does:
// percent-decoding (paths strictly, query strings leniently), header trimming, origins
// (CSRF) and client addresses (X-Forwarded-For behind a trusted proxy).
// Properties: nothing crashes; strict decoding never decodes a NUL (a raw one, which the
// HTTP parser refuses before this, passes through); decoding never grows the text; a
// client address is always an IP address.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/middleware.hpp"
#include "http/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace admit::http;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto strict = percent_decode(text, false)) {
    if (text.find('\0') == std::string_view::npos && strict->find('\0') != std::string::npos)
      std::abort();
    if (strict->size() > text.size()) std::abort();
  }
  if (percent_decode_lenient(text, true).size() > text.size()) std::abort();
  const std::string_view trimmed = trim_spaces(text);
  if (trimmed.size() > text.size()) std::abort();
  (void)origin_of(text);
  (void)parse_ip_address(text);
  const std::string address = client_address("192.0.2.7", text, true);
  if (!parse_ip_address(address)) std::abort();
  return 0;
}
