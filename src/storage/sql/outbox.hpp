#pragma once
// The transactional mail outbox. A change that causes mail calls enqueue_mail() on the
// same connection, inside the same transaction, so the mail exists exactly when the change
// does. The outbox sender (mail/) delivers rows after commit, retries with backoff, and
// marks them sent; cause_key is unique, so one cause never yields two mails.
#include <string>
#include <vector>

#include "common/time.hpp"
#include "domain/ports/mailer.hpp"
#include "storage/sql/database.hpp"

namespace admit::sql {

struct OutboxMail {
  std::string to;         // one recipient address
  std::string subject;
  std::string text;       // plain-text body
  std::string html;       // HTML body (may be empty)
  std::string cause_key;  // e.g. "verify:<token id>", "reg-cancelled:<registration id>"
  // Files: a blob_key (read when sending) or the content itself (small text).
  std::vector<MailAttachment> attachments = {};
};

// The outbox's attachments column: a JSON array of {filename, content_type, blob|text}
// ('' for none), and back.
std::string attachments_json(const std::vector<MailAttachment>& attachments);
std::vector<MailAttachment> parse_attachments(const std::string& json);

// Inserts the mail unless a mail with the same cause_key exists. Returns true if inserted.
bool enqueue_mail(Connection& conn, const OutboxMail& mail, Timestamp now);

}  // namespace admit::sql
