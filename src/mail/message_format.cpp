#include "mail/message_format.hpp"

#include <sodium.h>

#include "common/random.hpp"
#include "common/time.hpp"

namespace admit::mail {
namespace {

bool is_ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

std::string encode_header_word(std::string_view value) {
  std::string safe = header_safe(value);
  if (is_ascii(safe)) return safe;
  // RFC 2047 base64 encoded-word (the subject stays short, one word is enough).
  std::string b64 = base64url_encode(safe);
  for (char& c : b64) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
  }
  while (b64.size() % 4 != 0) b64 += '=';
  return "=?UTF-8?B?" + b64 + "?=";
}

std::string domain_of(std::string_view address) {
  auto at = address.rfind('@');
  if (at == std::string_view::npos || at + 1 >= address.size()) return "admit.localhost";
  return std::string(address.substr(at + 1));
}

}  // namespace

std::string header_safe(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value)
    if (c != '\r' && c != '\n') out += c;
  return out;
}

std::string address_of(std::string_view mailbox) {
  auto lt = mailbox.find('<');
  auto gt = mailbox.rfind('>');
  if (lt != std::string_view::npos && gt != std::string_view::npos && gt > lt)
    return header_safe(mailbox.substr(lt + 1, gt - lt - 1));
  std::string_view s = mailbox;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return header_safe(s);
}

std::string quoted_printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  std::string line;
  auto flush_soft = [&] {
    out += line;
    out += "=\r\n";
    line.clear();
  };
  auto put = [&](std::string_view piece) {
    if (line.size() + piece.size() > 75) flush_soft();
    line += piece;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r') continue;
    if (c == '\n') {
      // Trailing white space before a line break must be encoded.
      if (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
        char ws = line.back();
        line.pop_back();
        std::string enc = {'=', kHex[static_cast<unsigned char>(ws) >> 4],
                           kHex[static_cast<unsigned char>(ws) & 15]};
        put(enc);
      }
      out += line;
      out += "\r\n";
      line.clear();
      continue;
    }
    auto u = static_cast<unsigned char>(c);
    bool literal = (u >= 33 && u <= 126 && c != '=') || c == ' ' || c == '\t';
    // A line starting with "." is safe in SMTP (dot-stuffing), but "From " and a lone
    // "." are easier to avoid altogether.
    if (literal && line.empty() && c == '.') literal = false;
    if (literal) {
      put(std::string_view(&text[i], 1));
    } else {
      std::string enc = {'=', kHex[u >> 4], kHex[u & 15]};
      put(enc);
    }
  }
  if (!line.empty()) {
    if (line.back() == ' ' || line.back() == '\t') {
      char ws = line.back();
      line.pop_back();
      line += {'=', kHex[static_cast<unsigned char>(ws) >> 4],
               kHex[static_cast<unsigned char>(ws) & 15]};
    }
    out += line;
  }
  return out;
}

std::string crlf_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 40);
  std::size_t line_length = 0;
  for (char c : text) {
    if (c == '\r') continue;
    if (c == '\n') {
      out += "\r\n";
      line_length = 0;
      continue;
    }
    // RFC 5322 allows 998 bytes a line; break longer ones (our templates never have them).
    if (line_length >= 990) {
      out += "\r\n";
      line_length = 0;
    }
    out += c;
    ++line_length;
  }
  return out;
}

std::string render_message(const MailMessage& m, std::string_view from) {
  const std::string from_address = address_of(from);
  std::string msg;
  msg += "Message-ID: <" + header_safe(m.id) + "@" + domain_of(from_address) + ">\r\n";
  std::string date = format_http_date(m.date);  // "Wed, 25 Nov 2026 19:35:16 GMT"
  date.replace(date.size() - 3, 3, "+0000");
  msg += "Date: " + date + "\r\n";
  msg += "From: " + header_safe(from) + "\r\n";
  msg += "To: " + header_safe(m.to) + "\r\n";
  msg += "Subject: " + encode_header_word(m.subject) + "\r\n";
  msg += "MIME-Version: 1.0\r\n";
  msg += "Auto-Submitted: auto-generated\r\n";
  // The text part goes as 8bit UTF-8, so its links stay readable as they are (scripts and
  // tests read them); the HTML part, whose lines may be long, as quoted-printable.
  const std::string text_part =
      "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
      crlf_lines(m.text) + "\r\n";
  std::string body;  // the text, or the text and HTML versions: headers and content
  if (m.html.empty()) {
    body = text_part;
  } else {
    const std::string boundary = "=_admit_" + new_secret_token().substr(0, 24);
    body += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
    body += "This is a MIME message with a text and an HTML version.\r\n";
    body += "--" + boundary + "\r\n" + text_part;
    body += "--" + boundary + "\r\n";
    body += "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
    body += quoted_printable(m.html) + "\r\n";
    body += "--" + boundary + "--\r\n";
  }
  if (m.attachments.empty()) return msg + body;
  // Files: multipart/mixed around the message and one base64 part per file.
  const std::string mixed = "=_admit_mixed_" + new_secret_token().substr(0, 24);
  msg += "Content-Type: multipart/mixed; boundary=\"" + mixed + "\"\r\n\r\n";
  msg += "This is a MIME message with attached files.\r\n";
  msg += "--" + mixed + "\r\n" + body;
  for (const auto& a : m.attachments) {
    const std::string name = header_safe(a.filename);
    msg += "--" + mixed + "\r\n";
    msg += "Content-Type: " + header_safe(a.content_type) + "; name=\"" + name + "\"\r\n";
    msg += "Content-Disposition: attachment; filename=\"" + name + "\"\r\n";
    msg += "Content-Transfer-Encoding: base64\r\n\r\n";
    msg += base64_lines(a.content);
  }
  msg += "--" + mixed + "--\r\n";
  return msg;
}

std::string base64_lines(std::string_view bytes) {
  std::string b64(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  b64.pop_back();
  std::string out;
  out.reserve(b64.size() + b64.size() / 38 + 2);
  for (std::size_t i = 0; i < b64.size(); i += 76) {
    out.append(b64, i, 76);
    out += "\r\n";
  }
  return out;
}

}  // namespace admit::mail
