#pragma once
// OutboxStore: what the outbox sender needs from the mail outbox table (rows are queued by
// the services inside their own transactions). Claims are leases, so several nodes can
// send from one database without sending a row twice while its lease holds.
#include <cstdint>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/time.hpp"
#include "domain/ports/mailer.hpp"

namespace admit {

struct OutboxItem {
  MailMessage message;    // message.id is the outbox row id
  std::string cause_key;
  int attempts = 0;       // including the current one
};

class OutboxStore {
 public:
  virtual ~OutboxStore() = default;
  // Claims up to `limit` rows that are unsent, not given up, due at `now` and not leased
  // by another claimer: they are leased to `claimer` until now + lease and their attempt
  // count goes up by one. Oldest due first. Rows leased by a sender that died come back
  // when the lease runs out.
  virtual std::vector<OutboxItem> claim_due(const std::string& claimer, Timestamp now,
                                            std::chrono::milliseconds lease, int limit) = 0;
  // Marks claimed rows sent, those `claimer` still holds, in one statement (one commit for
  // a sender's whole pass); returns how many were marked.
  virtual int mark_sent(const std::vector<std::string>& ids, const std::string& claimer, Timestamp at) = 0;
  // Records a failed attempt: retry at `next_attempt`, or give up when it is nullopt.
  virtual void mark_failed(const std::string& id, const std::string& claimer,
                           const std::string& error, std::optional<Timestamp> next_attempt,
                           Timestamp at) = 0;
};

}  // namespace admit
