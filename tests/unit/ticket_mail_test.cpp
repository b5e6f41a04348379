// The confirmation mail's parts: the .ics (RFC 5545 escaping, folding, UTC times, a UID
// stable per registration) and a message with attachments (multipart/mixed around the
// text and HTML versions, base64 files in lines of 76).
#include <gtest/gtest.h>

#include <sodium.h>

#include "mail/calendar.hpp"
#include "mail/message_format.hpp"

namespace admit::mail {
namespace {

Event event() {
  Event e;
  e.id = "evt_1";
  e.title = "Jazz, Blues; and \\ more";
  e.venue = "Hall 1\nBack door";
  e.timezone = "Europe/Berlin";
  e.starts_at = *parse_rfc3339("2026-12-05T19:30:00Z");
  e.ends_at = *parse_rfc3339("2026-12-05T23:00:00Z");
  return e;
}

TEST(Calendar, PublishesOneEventInUtcWithAStableUid) {
  Registration r;
  r.id = "reg_1";
  r.created_at = *parse_rfc3339("2026-11-27T10:00:00Z");
  r.tickets.resize(2);
  const std::string ics = calendar_invite(event(), r, "https://t.example/events/evt_1");
  EXPECT_NE(ics.find("METHOD:PUBLISH\r\n"), std::string::npos);
  EXPECT_NE(ics.find("UID:reg_1@admit\r\n"), std::string::npos);
  EXPECT_NE(ics.find("DTSTART:20261205T193000Z\r\n"), std::string::npos);
  EXPECT_NE(ics.find("DTEND:20261205T230000Z\r\n"), std::string::npos);
  EXPECT_NE(ics.find("SUMMARY:Jazz\\, Blues\\; and \\\\ more\r\n"), std::string::npos);
  EXPECT_NE(ics.find("LOCATION:Hall 1\\nBack door\r\n"), std::string::npos);
  EXPECT_EQ(calendar_invite(event(), r, "https://t.example/events/evt_1"), ics);  // stable
  for (std::size_t start = 0, end; (end = ics.find("\r\n", start)) != std::string::npos; start = end + 2)
    EXPECT_LE(end - start, 75u) << ics.substr(start, end - start);
}

TEST(Calendar, FoldsWithoutSplittingCharacters) {
  Event e = event();
  e.title = std::string(70, 'a') + "日本語のとても長いイベント名";
  Registration r;
  r.id = "reg_2";
  const std::string ics = calendar_invite(e, r, "https://t.example/e");
  const auto at = ics.find("SUMMARY:");
  const std::string folded = ics.substr(at, ics.find("\r\nLOCATION") - at);
  std::string unfolded;
  for (std::size_t i = 0; i < folded.size(); ++i) {
    if (folded.compare(i, 3, "\r\n ") == 0) {
      i += 2;
      continue;
    }
    unfolded += folded[i];
  }
  EXPECT_EQ(unfolded, "SUMMARY:" + e.title);
  EXPECT_NE(folded.find("\r\n "), std::string::npos);
}

TEST(MailFormat, AttachmentsGoInMultipartMixed) {
  MailMessage m;
  m.id = "mail_1";
  m.to = "ada@example.com";
  m.subject = "Your tickets";
  m.text = "Hello";
  m.html = "<p>Hello</p>";
  m.date = *parse_rfc3339("2026-11-27T10:00:00Z");
  std::string pdf(200, '\0');
  for (std::size_t i = 0; i < pdf.size(); ++i) pdf[i] = static_cast<char>(i);
  m.attachments = {MailAttachment{"tickets-reg_1.pdf", "application/pdf", pdf, ""},
                   MailAttachment{"event.ics", "text/calendar; method=PUBLISH", "BEGIN:VCALENDAR", ""}};
  const std::string raw = render_message(m, "admit <no-reply@admit.test>");
  EXPECT_NE(raw.find("Content-Type: multipart/mixed; boundary="), std::string::npos);
  EXPECT_NE(raw.find("Content-Type: multipart/alternative; boundary="), std::string::npos);
  EXPECT_NE(raw.find("Content-Disposition: attachment; filename=\"tickets-reg_1.pdf\""), std::string::npos);
  EXPECT_NE(raw.find("Content-Type: text/calendar; method=PUBLISH; name=\"event.ics\""), std::string::npos);
  const std::string b64 = base64_lines(pdf);
  EXPECT_NE(raw.find(b64), std::string::npos);
  std::string joined;
  for (std::size_t s = 0, e; (e = b64.find("\r\n", s)) != std::string::npos; s = e + 2) {
    EXPECT_LE(e - s, 76u);
    joined += b64.substr(s, e - s);
  }
  std::string back(pdf.size(), '\0');
  std::size_t len = 0;
  ASSERT_EQ(sodium_base642bin(reinterpret_cast<unsigned char*>(back.data()), back.size(), joined.data(),
                              joined.size(), nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL), 0);
  back.resize(len);
  EXPECT_EQ(back, pdf);
}

}  // namespace
}  // namespace admit::mail
