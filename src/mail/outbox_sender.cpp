#include "mail/outbox_sender.hpp"

#include <algorithm>
#include <exception>

#include <pthread.h>

#include "common/log.hpp"
#include "common/random.hpp"

namespace admit::mail {

std::chrono::seconds retry_delay(int attempts, std::chrono::seconds first, std::chrono::seconds max) {
  std::chrono::seconds d = first;
  for (int i = 1; i < attempts && d < max; ++i) d *= 2;
  return std::min(d, max);
}

OutboxSender::OutboxSender(OutboxStore& store, Mailer& mailer, const Clock& clock,
                           OutboxSenderOptions options)
    : store_(store), mailer_(mailer), clock_(clock), options_(std::move(options)) {
  if (options_.node_id.empty()) options_.node_id = new_id("node");
}

OutboxSender::~OutboxSender() { stop(); }

void OutboxSender::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
  pthread_setname_np(thread_.native_handle(), "outbox-sender");
}

void OutboxSender::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void OutboxSender::wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

int OutboxSender::run_once() {
  int sent = 0;
  auto items = store_.claim_due(options_.node_id, clock_.now(), options_.lease, options_.batch);
  for (auto& item : items) {
    Status s = load_attachments(item.message);
    if (s) s = mailer_.send(item.message);
    const Timestamp now = clock_.now();
    if (s) {
      store_.mark_sent(item.message.id, options_.node_id, now);
      ++sent;
      log::info("mail sent", {{"mail_id", item.message.id}, {"attempt", item.attempts}});
      continue;
    }
    const bool give_up = item.attempts >= options_.max_attempts;
    std::optional<Timestamp> next;
    if (!give_up)
      next = now + retry_delay(item.attempts, options_.first_retry, options_.max_retry);
    store_.mark_failed(item.message.id, options_.node_id, s.error().detail, next, now);
    log::warn(give_up ? "mail given up" : "mail delivery failed; will retry",
              {{"mail_id", item.message.id},
               {"attempt", item.attempts},
               {"error", s.error().detail}});
  }
  return sent;
}

Status OutboxSender::load_attachments(MailMessage& message) {
  for (auto& a : message.attachments) {
    if (a.blob_key.empty()) continue;
    if (!attachments_) return Error::internal("no attachment loader for " + a.blob_key);
    auto bytes = attachments_(a.blob_key);
    if (!bytes) return bytes.error();
    a.content = std::move(*bytes);
    a.blob_key.clear();
  }
  return {};
}

void OutboxSender::loop() {
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      woken_ = false;
    }
    int handled = 0;
    try {
      handled = run_once();
    } catch (const std::exception& e) {
      log::error("outbox pass failed", {{"error", e.what()}});
    }
    std::unique_lock lock(mu_);
    if (stopping_) return;
    // A full batch may mean more is due: go again at once.
    if (handled >= options_.batch) continue;
    cv_.wait_for(lock, options_.poll_interval, [this] { return stopping_ || woken_; });
  }
}

}  // namespace admit::mail

