#pragma once
// iCalendar (RFC 5545) for a registration's event: METHOD:PUBLISH, one VEVENT with UTC
// times (no VTIMEZONE needed; calendars show them in the reader's zone), UID stable per
// registration ("<registration id>@admit"), so importing the file twice updates one entry.
// Lines end in CRLF and are folded at 75 octets without splitting a UTF-8 sequence.
#include <string>

#include "domain/model/event.hpp"
#include "domain/model/registration.hpp"

namespace admit::mail {

std::string calendar_invite(const Event& event, const Registration& registration,
                            const std::string& url);
// TEXT value escaping: backslash, semicolon, comma and line breaks.
std::string ical_escape(std::string_view text);

}  // namespace admit::mail
