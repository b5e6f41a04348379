#pragma once
// Mailer: hands one message to the mail system (mail/file_mailer writes .eml files,
// mail/smtp_mailer talks SMTP). Blocking; the outbox sender calls it on its own thread.
// A failure is an Error (unavailable for a temporary problem); the sender retries.
#include <string>
#include <vector>

#include "common/result.hpp"
#include "common/time.hpp"

namespace admit {

// A file sent with a mail. Queued mail names big files by blob store key (blob_key); the
// outbox sender reads them into `content` before handing the message to a Mailer.
struct MailAttachment {
  std::string filename;      // "tickets-reg_0123.pdf"
  std::string content_type;  // "application/pdf", "text/calendar; method=PUBLISH"
  std::string content;       // the bytes
  std::string blob_key;      // set while queued; empty once `content` is filled
};

struct MailMessage {
  std::string id;  // stable per outbox row: becomes the Message-ID, so retries are recognisable
  std::string to;
  std::string subject;
  std::string text;
  std::string html;  // may be empty: then the mail is text only
  Timestamp date;
  std::vector<MailAttachment> attachments;
};

class Mailer {
 public:
  virtual ~Mailer() = default;
  virtual Status send(const MailMessage& message) = 0;
};

}  // namespace admit
