#pragma once
// TicketDocuments joined from its parts: codes signed by the keyring (tickets/), PDFs from
// tickets/pdf_tickets, calendar files from mail/calendar.
#include <memory>

#include "domain/ports/ticket_documents.hpp"
#include "tickets/keyring.hpp"

namespace admit::app {

class AppTicketDocuments final : public TicketDocuments {
 public:
  explicit AppTicketDocuments(std::shared_ptr<const tickets::TicketKeyring> keys)
      : keys_(std::move(keys)) {}
  std::optional<std::string> code(const Ticket& ticket) const override;
  std::string pdf(const TicketSheet& sheet) const override;
  std::string calendar(const Event& event, const Registration& registration,
                       const std::string& url) const override;

 private:
  std::shared_ptr<const tickets::TicketKeyring> keys_;
};

}  // namespace admit::app
