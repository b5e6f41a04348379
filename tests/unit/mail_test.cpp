// Mail: the RFC 5322 rendering, the .eml file mailer, the outbox sender's retries and
// backoff (with a ManualClock), the account mail templates and the in-memory rate limiter.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <thread>
#include <fstream>
#include <sstream>

#include "app/open_database.hpp"
#include "auth/memory_rate_limiter.hpp"
#include "common/sliding_window.hpp"
#include "common/random.hpp"
#include "domain/services/account_mails.hpp"
#include "mail/file_mailer.hpp"
#include "mail/message_format.hpp"
#include "mail/outbox_sender.hpp"
#include "mail/smtp_mailer.hpp"
#include "storage/sql/migrations.hpp"
#include "storage/sql/outbox.hpp"
#include "storage/sql/sql_outbox_store.hpp"

namespace admit {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

MailMessage sample() {
  MailMessage m;
  m.id = "mail_abc123";
  m.to = "ada@example.com";
  m.subject = "Confirm your email address for admit";
  m.text = "Hello Ada,\n\nhttps://t.example.org/verify?token=abc_DEF-123\n";
  m.html = "<p>Hello Ada, <a href=\"https://t.example.org/verify?token=abc_DEF-123\">confirm</a></p>";
  m.date = *parse_rfc3339("2026-11-25T19:35:16Z");
  return m;
}

TEST(MailFormat, HasTheHeadersAndBothParts) {
  const std::string msg = mail::render_message(sample(), "admit <no-reply@t.example.org>");
  EXPECT_NE(msg.find("Message-ID: <mail_abc123@t.example.org>\r\n"), std::string::npos) << msg;
  EXPECT_NE(msg.find("Date: Wed, 25 Nov 2026 19:35:16 +0000\r\n"), std::string::npos) << msg;
  EXPECT_NE(msg.find("From: admit <no-reply@t.example.org>\r\n"), std::string::npos);
  EXPECT_NE(msg.find("To: ada@example.com\r\n"), std::string::npos);
  EXPECT_NE(msg.find("Subject: Confirm your email address for admit\r\n"), std::string::npos);
  EXPECT_NE(msg.find("MIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(msg.find("Content-Type: multipart/alternative; boundary="), std::string::npos);
  EXPECT_NE(msg.find("Content-Type: text/plain; charset=utf-8"), std::string::npos);
  EXPECT_NE(msg.find("Content-Type: text/html; charset=utf-8"), std::string::npos);
  // The text part carries the link as it is, so a script can find it.
  EXPECT_NE(msg.find("https://t.example.org/verify?token=abc_DEF-123\r\n"), std::string::npos);
  // No bare LF anywhere.
  for (std::size_t i = 0; i < msg.size(); ++i)
    if (msg[i] == '\n') {
      ASSERT_TRUE(i > 0 && msg[i - 1] == '\r') << "bare LF at " << i;
    }
}

TEST(MailFormat, KeepsHeadersOnOneLineAndEncodesUnicodeSubjects) {
  MailMessage m = sample();
  m.to = "ada@example.com\r\nBcc: evil@example.com";
  m.subject = "Grüße\r\nX-Evil: 1";
  m.html.clear();
  const std::string msg = mail::render_message(m, "admit <no-reply@t.example.org>");
  EXPECT_EQ(msg.find("\r\nBcc:"), std::string::npos);
  EXPECT_EQ(msg.find("\r\nX-Evil:"), std::string::npos);
  EXPECT_NE(msg.find("Subject: =?UTF-8?B?"), std::string::npos);
  EXPECT_EQ(msg.find("multipart"), std::string::npos) << "text only without html";
}

TEST(MailFormat, QuotedPrintableKeepsLinesShortAndEscapes) {
  std::string long_line(200, 'x');
  std::string qp = mail::quoted_printable(long_line + "=é\n");
  std::istringstream in(qp);
  std::string line;
  while (std::getline(in, line)) EXPECT_LE(line.size(), 77u);
  EXPECT_NE(qp.find("=3D=C3=A9"), std::string::npos);
  EXPECT_EQ(mail::address_of("admit <no-reply@x.org>"), "no-reply@x.org");
  EXPECT_EQ(mail::address_of("plain@x.org"), "plain@x.org");
}

TEST(MailTemplates, BuildLinksFromThePublicUrlAndEscapeHtml) {
  Mail m = verification_mail("https://t.example.org/", "ada@example.com", "<Ada>", "SECRET", false, "verify:1");
  EXPECT_NE(m.text.find("https://t.example.org/verify?token=SECRET"), std::string::npos);
  EXPECT_NE(m.html.find("https://t.example.org/verify?token=SECRET"), std::string::npos);
  EXPECT_NE(m.html.find("&lt;Ada&gt;"), std::string::npos);
  EXPECT_EQ(m.html.find("<Ada>"), std::string::npos);
  EXPECT_NE(m.subject.find("admit"), std::string::npos);
  Mail r = password_reset_mail("https://t.example.org", "ada@example.com", "Ada", "TOKEN", "reset:1");
  EXPECT_NE(r.text.find("https://t.example.org/reset-password?token=TOKEN"), std::string::npos);
  EXPECT_EQ(r.cause_key, "reset:1");
}

TEST(FileMailer, WritesOneCompleteEmlFilePerMessage) {
  const fs::path dir = fs::temp_directory_path() / ("admit-mail-" + new_id("t"));
  mail::FileMailer mailer(dir / "outbox", "admit <no-reply@t.example.org>");
  ASSERT_TRUE(mailer.send(sample()));
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir / "outbox")) files.push_back(e.path());
  ASSERT_EQ(files.size(), 1u) << "no temporary file is left behind";
  EXPECT_EQ(files[0].extension(), ".eml");
  EXPECT_NE(files[0].filename().string().find("mail_abc123"), std::string::npos);
  std::ifstream in(files[0], std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content.rfind("Message-ID: <mail_abc123@t.example.org>\r\n", 0), 0u);
  EXPECT_TRUE(content.ends_with("--\r\n")) << "the closing boundary is there: the file is whole";
  EXPECT_NE(content.find("verify?token=abc_DEF-123"), std::string::npos);
  fs::remove_all(dir);
}

// Readers of the folder (people, the tests) take name order as time order. A message at a
// whole second once sorted after later ones in that second ("...16Z" > "...16250Z").
TEST(FileMailer, FileNamesSortInTimeOrderEvenAtAWholeSecond) {
  const fs::path dir = fs::temp_directory_path() / ("admit-mail-" + new_id("t"));
  mail::FileMailer mailer(dir, "admit <no-reply@t.example.org>");
  const Timestamp second = *parse_rfc3339("2026-11-26T00:14:54Z");
  const std::vector<std::pair<std::string, Timestamp>> sent = {
      {"mail_a", second}, {"mail_b", second + 5ms}, {"mail_c", second + 250ms}, {"mail_d", second + 1s}};
  for (const auto& [id, at] : sent) {
    MailMessage m = sample();
    m.id = id;
    m.date = at;
    ASSERT_TRUE(mailer.send(m));
  }
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  ASSERT_EQ(names.size(), 4u);
  EXPECT_EQ(names[0], "20261126T001454000Z-mail_a.eml");
  EXPECT_EQ(names[1], "20261126T001454005Z-mail_b.eml");
  EXPECT_EQ(names[2], "20261126T001454250Z-mail_c.eml");
  EXPECT_EQ(names[3], "20261126T001455000Z-mail_d.eml");
  fs::remove_all(dir);
}

TEST(SmtpMailer, ReadsTlsRequirementsFromTheUrl) {
  auto plain = mail::SmtpMailer::parse_url("smtp://user:pass@mail.example.org:587");
  EXPECT_EQ(plain.url, "smtp://user:pass@mail.example.org:587");
  EXPECT_FALSE(plain.tls_required);
  auto required = mail::SmtpMailer::parse_url("smtp://mail.example.org:587?starttls=required");
  EXPECT_EQ(required.url, "smtp://mail.example.org:587");
  EXPECT_TRUE(required.tls_required);
  EXPECT_TRUE(mail::SmtpMailer::parse_url("smtps://mail.example.org").implicit_tls);
}

TEST(OutboxSender, BacksOffExponentiallyUpToAnHour) {
  EXPECT_EQ(mail::retry_delay(1, 30s, 1h), 30s);
  EXPECT_EQ(mail::retry_delay(2, 30s, 1h), 60s);
  EXPECT_EQ(mail::retry_delay(5, 30s, 1h), 480s);
  EXPECT_EQ(mail::retry_delay(12, 30s, 1h), 3600s);
}

// A mailer that fails the first `failures` sends.
class FlakyMailer final : public Mailer {
 public:
  explicit FlakyMailer(int failures) : failures_(failures) {}
  Status send(const MailMessage& m) override {
    if (failures_ > 0) {
      --failures_;
      return Error::unavailable(60, "421 try again later");
    }
    sent.push_back(m);
    ++sent_count;
    return {};
  }
  std::vector<MailMessage> sent;
  std::atomic<int> sent_count{0};

 private:
  int failures_;
};

class OutboxSenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = app::open_database("sqlite::memory:", {.pool_size = 1});
    sql::migrate(*db_);
    store_ = std::make_unique<sql::SqlOutboxStore>(*db_);
  }
  void enqueue(const std::string& cause) {
    auto conn = db_->writer();
    sql::enqueue_mail(*conn, {"ada@example.com", "Hello", "text", "<p>html</p>", cause}, clock_.now());
  }
  ManualClock clock_{*parse_rfc3339("2026-06-01T12:00:00Z")};
  std::unique_ptr<sql::Database> db_;
  std::unique_ptr<sql::SqlOutboxStore> store_;
};

TEST_F(OutboxSenderTest, SendsOnceAndMarksSent) {
  FlakyMailer mailer(0);
  mail::OutboxSender sender(*store_, mailer, clock_, {.node_id = "node-1"});
  enqueue("verify:1");
  enqueue("verify:1");  // the same cause: still one mail
  EXPECT_EQ(sender.run_once(), 1);
  EXPECT_EQ(sender.run_once(), 0);
  ASSERT_EQ(mailer.sent.size(), 1u);
  EXPECT_EQ(mailer.sent[0].to, "ada@example.com");
  EXPECT_EQ(mailer.sent[0].date, clock_.now());
}

TEST_F(OutboxSenderTest, RetriesWithBackoffAndGivesUp) {
  FlakyMailer mailer(2);
  mail::OutboxSender sender(*store_, mailer, clock_, {.max_attempts = 5, .node_id = "node-1"});
  enqueue("reset:1");
  EXPECT_EQ(sender.run_once(), 0);  // attempt 1 fails
  clock_.advance(29s);
  EXPECT_EQ(sender.run_once(), 0) << "not due before 30 s";
  EXPECT_TRUE(mailer.sent.empty());
  clock_.advance(1s);
  EXPECT_EQ(sender.run_once(), 0);  // attempt 2 fails
  clock_.advance(59s);
  EXPECT_EQ(sender.run_once(), 0) << "the second wait is 60 s";
  clock_.advance(1s);
  EXPECT_EQ(sender.run_once(), 1);  // attempt 3 succeeds
  ASSERT_EQ(mailer.sent.size(), 1u);

  FlakyMailer broken(100);
  mail::OutboxSender hopeless(*store_, broken, clock_, {.max_attempts = 2, .node_id = "node-2"});
  enqueue("reset:2");
  hopeless.run_once();
  clock_.advance(1h);
  hopeless.run_once();
  clock_.advance(24h);
  EXPECT_EQ(hopeless.run_once(), 0);
  auto conn = db_->reader();
  auto rows = conn->query("SELECT attempts, failed_at IS NOT NULL, last_error FROM outbox WHERE cause_key = 'reset:2'");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].i64(0), 2);
  EXPECT_EQ(rows[0].i64(1), 1) << "given up after max_attempts";
  EXPECT_EQ(rows[0].text(2), "421 try again later");
}

TEST_F(OutboxSenderTest, TheBackgroundLoopDeliversAfterWake) {
  FlakyMailer mailer(0);
  SystemClock real;
  mail::OutboxSender sender(*store_, mailer, real, {.poll_interval = 10s, .node_id = "node-1"});
  sender.start();
  {
    auto conn = db_->writer();
    sql::enqueue_mail(*conn, {"ada@example.com", "Hello", "text", "", "wake:1"}, real.now());
  }
  sender.wake();
  for (int i = 0; i < 200 && mailer.sent_count.load() == 0; ++i) std::this_thread::sleep_for(10ms);
  sender.stop();
  EXPECT_EQ(mailer.sent.size(), 1u);
}

TEST(MemoryRateLimiter, CountsPerKeyInSlidingWindows) {
  auth::MemoryRateLimiter limiter;
  const Timestamp t = *parse_rfc3339("2026-06-01T12:00:50Z");
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limiter.hit("k", 3, 60s, t));
  auto refused = limiter.hit("k", 3, 60s, t + 1s);
  ASSERT_TRUE(refused);
  // This minute's 4 hits (the refused one counts) weigh 2 at 12:01:30: 39 s after 12:00:51.
  EXPECT_EQ(*refused, 39);
  EXPECT_FALSE(limiter.hit("other", 3, 60s, t));
  EXPECT_TRUE(limiter.hit("k", 3, 60s, t + 10s)) << "the next minute does not start afresh";
  EXPECT_FALSE(limiter.hit("k", 3, 60s, t + 60s)) << "12:01:50: 4 x 10/60 + 2 = 2.67";
  // Old windows are swept.
  limiter.hit("z", 3, 60s, t + 1h);
  EXPECT_EQ(limiter.size(), 1u);
}

TEST(SlidingWindow, WeighsThePreviousWindowByItsShareStillInside) {
  const Timestamp t = *parse_rfc3339("2026-06-01T12:01:15Z");  // a quarter into the minute
  const auto ms = [](const char* at) { return to_millis(*parse_rfc3339(at)); };
  const SlidingWindow w = SlidingWindow::at(t, 60s);
  EXPECT_EQ(w.start_ms, ms("2026-06-01T12:01:00Z"));
  EXPECT_EQ(w.previous_start_ms(), w.start_ms - 60'000);
  const std::int64_t late = ms("2026-06-01T12:00:50Z");  // the previous minute's last attempt
  EXPECT_FALSE(w.verdict(8, late, 4, 10, t)) << "8 x 3/4 + 4 = 10";
  auto over = w.verdict(8, late, 5, 10, t);  // 11 > 10
  ASSERT_TRUE(over);
  // One more fits once 8 x share + 5 + 1 <= 10: share 1/2, at 12:01:30, 15 s from now.
  EXPECT_EQ(*over, 15);
  // If the previous minute's last attempt was at 12:00:20, none counts from 12:01:20.
  auto sooner = w.verdict(8, ms("2026-06-01T12:00:20Z"), 5, 10, t);
  ASSERT_TRUE(sooner);
  EXPECT_EQ(*sooner, 5);
  EXPECT_FALSE(w.verdict(8, ms("2026-06-01T12:00:10Z"), 5, 10, t)) << "all a minute old: only this minute's 5";
  auto full = w.verdict(0, 0, 12, 10, t);
  ASSERT_TRUE(full);
  // 12 this minute weigh 9 once 1/4 of the next has passed: 12:02:15, 60 s from now.
  EXPECT_EQ(*full, 60);
  auto hammered = w.verdict(0, 0, 1000, 10, t);
  ASSERT_TRUE(hammered);
  EXPECT_EQ(*hammered, 60) << "never longer than the window: then every attempt is a window old";
  EXPECT_FALSE(w.verdict(0, 0, 10, 10, t));
}

}  // namespace
}  // namespace admit
