#include "mail/outbox_sender.hpp"

#include <algorithm>
#include <vector>

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
    : store_(store),
      mailer_(mailer),
      clock_(clock),
      options_(std::move(options)),
      loop_("outbox-sender", options_.poll_interval, [this] { return step(); }) {
  if (options_.node_id.empty()) options_.node_id = new_id("node");
}

OutboxSender::~OutboxSender() { stop(); }

int OutboxSender::run_once() {
  auto items = store_.claim_due(options_.node_id, clock_.now(), options_.lease, options_.batch);
  // What went out is marked in one transaction at the end of the pass (one commit, not one
  // per mail). A crash before it sends those mails again once the lease runs out: the
  // outbox delivers at least once, as it always did between a send and its mark.
  std::vector<std::string> sent;
  for (auto& item : items) {
    Status s = load_attachments(item.message);
    if (s) s = mailer_.send(item.message);
    if (s) {
      sent.push_back(item.message.id);
      log::info("mail sent", {{"mail_id", item.message.id}, {"attempt", item.attempts}});
      continue;
    }
    const Timestamp now = clock_.now();
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
  if (!sent.empty()) store_.mark_sent(sent, options_.node_id, clock_.now());
  return static_cast<int>(sent.size());
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

BackgroundLoop::Next OutboxSender::step() {
  // A full batch may mean more is due: go again at once.
  if (run_once() >= options_.batch) return BackgroundLoop::Next::now();
  return BackgroundLoop::Next::interval();
}

}  // namespace admit::mail
