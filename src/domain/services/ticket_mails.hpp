#pragma once
// The confirmation mail that carries a registration's tickets (text + HTML; the PDF and
// the .ics are attached by the caller).
#include <string>

#include "domain/model/event.hpp"
#include "domain/model/registration.hpp"
#include "domain/ports/ticket_store.hpp"

namespace admit {

// To the buyer; cause key "tickets:<registration id>".
QueuedMail tickets_mail(const Event& event, const Registration& registration,
                        const std::string& organizer_name, const std::string& public_url);

}  // namespace admit
