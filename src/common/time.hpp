#pragma once
// Time is UTC in storage (milliseconds since the Unix epoch) and RFC 3339 on the wire.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace admit {

using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

inline std::int64_t to_millis(Timestamp t) noexcept { return t.time_since_epoch().count(); }
inline Timestamp from_millis(std::int64_t ms) noexcept {
  return Timestamp{std::chrono::milliseconds{ms}};
}

// "2026-11-25T19:35:16Z" (milliseconds shown only when non-zero: "...16.250Z").
std::string format_rfc3339(Timestamp t);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]" (also a space instead of T, lower-case t/z).
std::optional<Timestamp> parse_rfc3339(std::string_view text);
// Accepts an RFC 3339 time or a plain date "YYYY-MM-DD" (midnight UTC).
std::optional<Timestamp> parse_date_or_time(std::string_view text);
// "YYYY-MM-DD" of a UTC time.
std::string format_date(Timestamp t);
// True when /usr/share/zoneinfo knows the IANA zone name ("Europe/Berlin", "UTC").
bool is_valid_timezone(std::string_view name);
// "Wed, 25 Nov 2026 19:35:16 GMT" for HTTP Date and mail headers.
std::string format_http_date(Timestamp t);

}  // namespace admit
