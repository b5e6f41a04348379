#include "app/ticket_documents.hpp"

#include "mail/calendar.hpp"
#include "tickets/pdf_tickets.hpp"

namespace admit::app {

std::optional<std::string> AppTicketDocuments::code(const Ticket& ticket) const {
  return keys_->signer().sign(ticket.id, ticket.event_id);
}

std::string AppTicketDocuments::pdf(const TicketSheet& sheet) const {
  return tickets::render_ticket_pdf(sheet);
}

std::string AppTicketDocuments::calendar(const Event& event, const Registration& registration,
                                         const std::string& url) const {
  return mail::calendar_invite(event, registration, url);
}

}  // namespace admit::app
