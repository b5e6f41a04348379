#pragma once
// TicketDocuments: what a registration's tickets look like outside the database: each
// ticket's signed QR text, the PDF (one page per ticket) and the calendar file. Implemented
// by tickets/ (signing, PDF) and mail/ (iCalendar), joined in app/. Thread-safe; pdf() is
// CPU work that belongs on a pool, never on a network thread.
#include <optional>
#include <string>

#include "domain/model/event.hpp"
#include "domain/model/registration.hpp"

namespace admit {

struct TicketSheet {
  const Event& event;
  const Registration& registration;  // its tickets carry their codes (qr)
  std::string organizer_name;
};

class TicketDocuments {
 public:
  virtual ~TicketDocuments() = default;
  // The ticket's QR text signed with the current key; nullopt when its ids cannot be coded.
  virtual std::optional<std::string> code(const Ticket& ticket) const = 0;
  // The PDF; identical input gives identical bytes.
  virtual std::string pdf(const TicketSheet& sheet) const = 0;
  // An iCalendar (METHOD:PUBLISH) for the registration's event, UID stable per registration.
  virtual std::string calendar(const Event& event, const Registration& registration,
                               const std::string& url) const = 0;
};

}  // namespace admit
