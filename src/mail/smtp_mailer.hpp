#pragma once
// SmtpMailer: sends through an SMTP server with libcurl, set by ADMIT_SMTP_URL:
//   smtp://[user:password@]host[:port]   STARTTLS when the server offers it
//   smtp://...?starttls=required          STARTTLS or fail (the query is not sent on)
//   smtps://[user:password@]host[:port]   TLS from the first byte (port 465)
// Credentials in the URL (percent-encoded) are used for AUTH. One connection per message;
// blocking, with connect and total timeouts. Thread-safe (one curl handle per send).
#include <chrono>
#include <string>

#include "domain/ports/mailer.hpp"

namespace admit::mail {

struct SmtpOptions {
  std::string url;
  std::string from;  // "admit <no-reply@example.org>"
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds timeout{60};
};

class SmtpMailer final : public Mailer {
 public:
  explicit SmtpMailer(SmtpOptions options);
  Status send(const MailMessage& message) override;

  // The URL handed to curl and whether TLS is required, from the configured URL.
  struct Target {
    std::string url;
    bool tls_required = false;
    bool implicit_tls = false;
  };
  static Target parse_url(const std::string& url);

 private:
  SmtpOptions options_;
  Target target_;
};

}  // namespace admit::mail
