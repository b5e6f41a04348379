#include "mail/smtp_mailer.hpp"

#include <cstring>
#include <mutex>

#include <curl/curl.h>

#include "mail/message_format.hpp"

namespace admit::mail {
namespace {

void ensure_curl() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
  const std::string* data;
  std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* up = static_cast<Upload*>(user);
  std::size_t room = size * count;
  std::size_t left = up->data->size() - up->offset;
  std::size_t n = left < room ? left : room;
  std::memcpy(buffer, up->data->data() + up->offset, n);
  up->offset += n;
  return n;
}

}  // namespace

SmtpMailer::Target SmtpMailer::parse_url(const std::string& url) {
  Target t;
  t.implicit_tls = url.rfind("smtps://", 0) == 0;
  std::string base = url;
  auto q = base.find('?');
  if (q != std::string::npos) {
    std::string query = base.substr(q + 1);
    base = base.substr(0, q);
    // Only our own parameter is understood; curl would send the query on as the EHLO name.
    std::size_t start = 0;
    while (start <= query.size()) {
      auto amp = query.find('&', start);
      if (amp == std::string::npos) amp = query.size();
      std::string kv = query.substr(start, amp - start);
      if (kv == "starttls=required" || kv == "tls=required") t.tls_required = true;
      start = amp + 1;
    }
  }
  t.url = base;
  return t;
}

namespace {
// "<addr>" for the SMTP envelope (built with += to avoid a GCC 12 -Wrestrict false alarm).
std::string bracketed(std::string_view address) {
  std::string out;
  out.reserve(address.size() + 2);
  out += '<';
  out += address;
  out += '>';
  return out;
}
}  // namespace

SmtpMailer::SmtpMailer(SmtpOptions options) : options_(std::move(options)) {
  ensure_curl();
  target_ = parse_url(options_.url);
}

Status SmtpMailer::send(const MailMessage& message) {
  const std::string payload = render_message(message, options_.from);
  Upload upload{&payload};
  CURL* curl = curl_easy_init();
  if (!curl) return Error::unavailable(60, "curl_easy_init failed");
  const std::string from = bracketed(address_of(options_.from));
  const std::string to = bracketed(header_safe(message.to));
  curl_slist* recipients = curl_slist_append(nullptr, to.c_str());
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, target_.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(payload.size()));
  curl_easy_setopt(curl, CURLOPT_USE_SSL,
                   target_.implicit_tls || target_.tls_required ? CURLUSESSL_ALL : CURLUSESSL_TRY);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  CURLcode rc = curl_easy_perform(curl);
  long response = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response);
  curl_slist_free_all(recipients);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    std::string why = error[0] ? error : curl_easy_strerror(rc);
    // Never log the URL: it may hold the SMTP password.
    return Error::unavailable(60, "SMTP delivery failed (" + std::to_string(response) + "): " + why);
  }
  return {};
}

}  // namespace admit::mail
