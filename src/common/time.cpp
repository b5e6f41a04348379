#include "common/time.hpp"

#include <array>
#include <charconv>
#include <filesystem>

#include <fmt/format.h>

namespace admit {
namespace {

using namespace std::chrono;

bool read_int(std::string_view s, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > s.size()) return false;
  for (std::size_t i = pos; i < pos + len; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  std::from_chars(s.data() + pos, s.data() + pos + len, out);
  return true;
}

std::optional<sys_days> parse_ymd(std::string_view s) {
  int y = 0, m = 0, d = 0;
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!read_int(s, 0, 4, y) || !read_int(s, 5, 2, m) || !read_int(s, 8, 2, d)) return std::nullopt;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd};
}

}  // namespace

std::string format_rfc3339(Timestamp t) {
  auto days = floor<std::chrono::days>(t);
  year_month_day ymd{days};
  hh_mm_ss hms{t - days};
  auto ms = hms.subseconds().count();
  std::string out = fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}", int(ymd.year()),
                                unsigned(ymd.month()), unsigned(ymd.day()), hms.hours().count(),
                                hms.minutes().count(), hms.seconds().count());
  if (ms != 0) out += fmt::format(".{:03d}", ms);
  out += 'Z';
  return out;
}

std::optional<Timestamp> parse_rfc3339(std::string_view s) {
  auto days = parse_ymd(s);
  if (!days || s.size() < 19) return std::nullopt;
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
  int hh = 0, mm = 0, ss = 0;
  if (!read_int(s, 11, 2, hh) || s[13] != ':' || !read_int(s, 14, 2, mm) || s[16] != ':' ||
      !read_int(s, 17, 2, ss))
    return std::nullopt;
  if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  std::size_t pos = 19;
  milliseconds frac{0};
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    int scale = 100;
    int value = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      value += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
    frac = milliseconds{value};
  }
  if (pos >= s.size()) return std::nullopt;
  minutes offset{0};
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh = 0, om = 0;
    if (!read_int(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !read_int(s, pos + 4, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset = hours{oh} + minutes{om};
    if (s[pos] == '-') offset = -offset;
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  auto t = time_point_cast<milliseconds>(*days) + hours{hh} + minutes{mm} + seconds{ss} + frac -
           offset;
  return Timestamp{t};
}

std::optional<Timestamp> parse_date_or_time(std::string_view text) {
  if (text.size() == 10) {
    auto d = parse_ymd(text);
    if (!d) return std::nullopt;
    return time_point_cast<milliseconds>(*d);
  }
  return parse_rfc3339(text);
}

std::string format_date(Timestamp t) {
  year_month_day ymd{floor<std::chrono::days>(t)};
  return fmt::format("{:04d}-{:02d}-{:02d}", int(ymd.year()), unsigned(ymd.month()),
                     unsigned(ymd.day()));
}

bool is_valid_timezone(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' ||
      name.find("..") != std::string_view::npos)
    return false;
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '/' || c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  std::error_code ec;
  auto path = std::filesystem::path("/usr/share/zoneinfo") / std::string(name);
  return std::filesystem::is_regular_file(path, ec);
}

std::string format_http_date(Timestamp t) {
  static constexpr std::array<const char*, 7> kDays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto days = floor<std::chrono::days>(t);
  year_month_day ymd{days};
  weekday wd{days};
  hh_mm_ss hms{floor<seconds>(t - days)};
  return fmt::format("{}, {:02d} {} {:04d} {:02d}:{:02d}:{:02d} GMT", kDays[wd.c_encoding()],
                     unsigned(ymd.day()), kMonths[unsigned(ymd.month()) - 1], int(ymd.year()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

}  // namespace admit
