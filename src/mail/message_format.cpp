#include "mail/message_format.hpp"

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
  if (m.html.empty()) {
    msg += text_part;
    return msg;
  }
  const std::string boundary = "=_admit_" + new_secret_token().substr(0, 24);
  msg += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  msg += "This is a MIME message with a text and an HTML version.\r\n";
  msg += "--" + boundary + "\r\n" + text_part;
  msg += "--" + boundary + "\r\n";
  msg += "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
  msg += quoted_printable(m.html) + "\r\n";
  msg += "--" + boundary + "--\r\n";
  return msg;
}

}  // namespace admit::mail
