#pragma once
// Mailer: hands one message to the mail system (mail/file_mailer writes .eml files,
// mail/smtp_mailer talks SMTP). Blocking; the outbox sender calls it on its own thread.
// A failure is an Error (unavailable for a temporary problem); the sender retries.
#include <string>

#include "common/result.hpp"
#include "common/time.hpp"

namespace admit {

struct MailMessage {
  std::string id;  // stable per outbox row: becomes the Message-ID, so retries are recognisable
  std::string to;
  std::string subject;
  std::string text;
  std::string html;  // may be empty: then the mail is text only
  Timestamp date;
};

class Mailer {
 public:
  virtual ~Mailer() = default;
  virtual Status send(const MailMessage& message) = 0;
};

}  // namespace admit
