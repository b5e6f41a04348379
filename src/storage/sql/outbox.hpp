#pragma once
// The transactional mail outbox. A change that causes mail calls enqueue_mail() on the
// same connection, inside the same transaction, so the mail exists exactly when the change
// does. The outbox sender (mail/) delivers rows after commit, retries with backoff, and
// marks them sent; cause_key is unique, so one cause never yields two mails.
#include <string>

#include "common/time.hpp"
#include "storage/sql/database.hpp"

namespace admit::sql {

struct OutboxMail {
  std::string to;         // one recipient address
  std::string subject;
  std::string text;       // plain-text body
  std::string html;       // HTML body (may be empty)
  std::string cause_key;  // e.g. "verify:<token id>", "reg-cancelled:<registration id>"
};

// Inserts the mail unless a mail with the same cause_key exists. Returns true if inserted.
bool enqueue_mail(Connection& conn, const OutboxMail& mail, Timestamp now);

}  // namespace admit::sql
