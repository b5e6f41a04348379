#pragma once
// TicketStore: what issuing tickets needs from the database beyond RegistrationStore
// (storage/sql/sql_ticket_store.cpp; the conformance suite runs it on every backend).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/time.hpp"
#include "domain/ports/mailer.hpp"

namespace admit {

// A mail queued in the outbox with the change that causes it; attachments carry either a
// blob key (read when sending) or their content (small text).
struct QueuedMail {
  std::string to;
  std::string subject;
  std::string text;
  std::string html;
  std::string cause_key;  // one cause never yields two mails
  std::vector<MailAttachment> attachments;
};

struct IssuedTickets {
  std::string registration_id;
  std::vector<std::pair<std::string, std::string>> codes;  // ticket id → its QR text
  std::optional<QueuedMail> mail;
};

class TicketStore {
 public:
  virtual ~TicketStore() = default;
  // Confirmed registrations whose tickets are not issued yet, oldest first.
  virtual std::vector<std::string> unissued(int limit) = 0;
  // In one transaction for the whole batch (one commit, one sync), for each registration
  // only while it is confirmed and not yet issued: each ticket without a code gets its code,
  // tickets_issued_at is set, and the mail (if any) is queued with tickets_mailed_at set.
  // Answers, in the batch's order, whether each was marked (false: nothing changed for it).
  virtual std::vector<bool> mark_issued(const std::vector<IssuedTickets>& batch, Timestamp now) = 0;
  // The registration a ticket belongs to.
  virtual std::optional<std::string> registration_of_ticket(const std::string& ticket_id) = 0;
};

}  // namespace admit
