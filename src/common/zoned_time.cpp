#include "common/zoned_time.hpp"

#include <cstdio>

#include <date/tz.h>

namespace admit {
namespace {

const date::time_zone* find_zone(std::string_view name) {
  try {
    return date::locate_zone(std::string(name));
  } catch (const std::exception&) {
    return date::locate_zone("UTC");
  }
}

}  // namespace

LocalTime local_time(Timestamp t, std::string_view zone) {
  const date::time_zone* tz = find_zone(zone);
  const auto seconds = std::chrono::floor<std::chrono::seconds>(t);
  const date::zoned_time<std::chrono::seconds> zt{tz, seconds};
  const auto info = zt.get_info();
  const auto local = zt.get_local_time();
  LocalTime out;
  out.date = date::format("%A, %d %B %Y", local);
  if (!out.date.empty() && out.date.find(", 0") != std::string::npos)
    out.date.erase(out.date.find(", 0") + 2, 1);  // "1 May", not "01 May"
  out.time = date::format("%H:%M", local);
  out.compact = date::format("%Y%m%dT%H%M%S", local);
  const auto off = std::chrono::duration_cast<std::chrono::minutes>(info.offset).count();
  const long a = off < 0 ? -off : off;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%c%02ld:%02ld", off < 0 ? '-' : '+', a / 60, a % 60);
  out.offset = buf;
  out.zone = info.abbrev;
  if (out.zone.empty() || out.zone[0] == '+' || out.zone[0] == '-') out.zone = "UTC" + out.offset;
  if (out.zone == "UTC+00:00") out.zone = "UTC";
  return out;
}

std::string format_local(Timestamp t, std::string_view zone) {
  LocalTime l = local_time(t, zone);
  return l.date + ", " + l.time + " " + l.zone;
}

}  // namespace admit
