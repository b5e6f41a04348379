#pragma once
// Renders a MailMessage as an RFC 5322 message (CRLF line ends): Message-ID, Date, From,
// To, Subject (RFC 2047 encoded when not ASCII), MIME-Version, and a body that is
// text/plain, or multipart/alternative with text/plain and text/html parts, wrapped in
// multipart/mixed with one base64 part per file when the message has attachments. The text part
// is UTF-8 sent as 8bit (links readable as they are), the HTML part quoted-printable.
#include <string>
#include <string_view>

#include "domain/ports/mailer.hpp"

namespace admit::mail {

// "admit <no-reply@example.org>" → "no-reply@example.org" (also a bare address).
std::string address_of(std::string_view mailbox);
std::string render_message(const MailMessage& message, std::string_view from);
// Quoted-printable (RFC 2045) of UTF-8 text with CRLF line ends.
std::string quoted_printable(std::string_view text);
// Text with CRLF line ends and no line over 990 bytes.
std::string crlf_lines(std::string_view text);
// Base64 in lines of 76 characters, each ending in CRLF (attachments).
std::string base64_lines(std::string_view bytes);
// Drops CR and LF, so a value cannot start a new header.
std::string header_safe(std::string_view value);

}  // namespace admit::mail
