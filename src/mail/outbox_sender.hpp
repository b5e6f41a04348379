#pragma once
// OutboxSender: the background loop, inside the server, that delivers queued mail.
// Every poll (or at once after wake()) it claims due outbox rows under a lease, hands each
// to the Mailer, and marks what went out sent in one transaction per pass; a failure is retried with exponential backoff (30 s,
// 1 min, 2 min, ... capped at 1 h) and given up after max_attempts. Everything lives in the
// outbox table, so mail queued before a restart or a crash is sent after it; a row whose
// sender died mid-send comes back when its lease ends (at-least-once: such a mail may
// arrive twice, with the same Message-ID). Several nodes may run senders on one database.
// start()/stop() are idempotent; stop() waits for the current pass and joins the thread (a
// BackgroundLoop).
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "common/background_loop.hpp"
#include "common/clock.hpp"
#include "domain/ports/mailer.hpp"
#include "domain/ports/outbox_store.hpp"

namespace admit::mail {

struct OutboxSenderOptions {
  std::chrono::milliseconds poll_interval{1000};
  std::chrono::milliseconds lease{std::chrono::minutes(5)};
  std::chrono::seconds first_retry{30};
  std::chrono::seconds max_retry{std::chrono::hours(1)};
  int max_attempts = 12;
  int batch = 20;
  std::string node_id;  // default: a random id per process
};

// The wait before attempt `attempts + 1`, after `attempts` failed ones (1, 2, ...).
std::chrono::seconds retry_delay(int attempts, std::chrono::seconds first, std::chrono::seconds max);

class OutboxSender {
 public:
  OutboxSender(OutboxStore& store, Mailer& mailer, const Clock& clock,
               OutboxSenderOptions options = {});
  ~OutboxSender();
  OutboxSender(const OutboxSender&) = delete;
  OutboxSender& operator=(const OutboxSender&) = delete;

  void start() { loop_.start(); }
  void stop() { loop_.stop(); }
  // Ask for a pass now (after a transaction queued mail).
  void wake() { loop_.wake(); }
  // One pass: claims what is due and tries each; returns how many were sent.
  int run_once();

  const std::string& node_id() const noexcept { return options_.node_id; }

  // Reads an attachment queued by blob key (the ticket PDFs) before sending; a failure is
  // a failed attempt, retried like any other. Set before start().
  using AttachmentLoader = std::function<Result<std::string>(const std::string& blob_key)>;
  void set_attachment_loader(AttachmentLoader loader) { attachments_ = std::move(loader); }

 private:
  BackgroundLoop::Next step();
  Status load_attachments(MailMessage& message);

  OutboxStore& store_;
  Mailer& mailer_;
  const Clock& clock_;
  AttachmentLoader attachments_;
  OutboxSenderOptions options_;
  BackgroundLoop loop_;
};

}  // namespace admit::mail
