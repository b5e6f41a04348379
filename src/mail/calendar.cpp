#include "mail/calendar.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace admit::mail {
namespace {

std::string utc_stamp(Timestamp t) {
  const auto s = std::chrono::floor<std::chrono::seconds>(t);
  const auto days = std::chrono::floor<std::chrono::days>(s);
  const std::chrono::year_month_day ymd{days};
  const std::chrono::hh_mm_ss hms{s - days};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02ld%02ld%02ldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long>(hms.seconds().count()));
  return buf;
}

// Appends one content line, folded at 75 octets (continuations start with a space).
void line(std::string& out, std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t len = 1;
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0xF0) len = 4;
    else if (c >= 0xE0) len = 3;
    else if (c >= 0xC0) len = 2;
    len = std::min(len, text.size() - i);
    if (width + len > 75) {
      out += "\r\n ";
      width = 1;
    }
    out.append(text, i, len);
    width += len;
    i += len;
  }
  out += "\r\n";
}

}  // namespace

std::string ical_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == ';' || c == ',') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c != '\r') {
      out += c;
    }
  }
  return out;
}

std::string calendar_invite(const Event& e, const Registration& r, const std::string& url) {
  std::string out;
  line(out, "BEGIN:VCALENDAR");
  line(out, "VERSION:2.0");
  line(out, "PRODID:-//admit//tickets//EN");
  line(out, "CALSCALE:GREGORIAN");
  line(out, "METHOD:PUBLISH");
  line(out, "BEGIN:VEVENT");
  line(out, "UID:" + r.id + "@admit");
  line(out, "DTSTAMP:" + utc_stamp(r.created_at));
  line(out, "DTSTART:" + utc_stamp(e.starts_at));
  line(out, "DTEND:" + utc_stamp(e.ends_at));
  line(out, "SUMMARY:" + ical_escape(e.title));
  if (!e.venue.empty()) line(out, "LOCATION:" + ical_escape(e.venue));
  std::string description = "Registration " + r.id + " (" + std::to_string(r.tickets.size()) +
                            (r.tickets.size() == 1 ? " ticket" : " tickets") + ").\n" +
                            "Event time zone: " + e.timezone + ".\n" + url;
  line(out, "DESCRIPTION:" + ical_escape(description));
  line(out, "URL:" + url);
  line(out, "STATUS:CONFIRMED");
  line(out, "SEQUENCE:0");
  line(out, "END:VEVENT");
  line(out, "END:VCALENDAR");
  return out;
}

}  // namespace admit::mail
