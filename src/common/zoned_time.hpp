#pragma once
// Times in an event's IANA time zone, for people: tickets, mails, calendar files. Uses
// Howard Hinnant's date/tz over the system's tz database (/usr/share/zoneinfo).
#include <optional>
#include <string>
#include <string_view>

#include "common/time.hpp"

namespace admit {

struct LocalTime {
  std::string date;       // "Friday, 27 November 2026"
  std::string time;       // "19:30"
  std::string zone;       // abbreviation, "CET"; "+0530" style when the zone has none
  std::string offset;     // "+01:00"
  std::string compact;    // "20261127T193000" (iCalendar local form)
};

// The time as shown in `zone`; an unknown zone falls back to UTC.
LocalTime local_time(Timestamp t, std::string_view zone);
// "Friday, 27 November 2026, 19:30 CET".
std::string format_local(Timestamp t, std::string_view zone);

}  // namespace admit
