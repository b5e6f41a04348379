#pragma once
// OutboxStore over the shared SQL driver (both backends); implemented in outbox.cpp next to
// enqueue_mail(). Claims are leases written in one statement: on PostgreSQL the rows are
// picked with FOR UPDATE SKIP LOCKED, so nodes claiming at once never take the same row;
// SQLite has one writer, which serialises claims by itself.
#include "domain/ports/outbox_store.hpp"
#include "storage/sql/database.hpp"

namespace admit::sql {

class SqlOutboxStore final : public OutboxStore {
 public:
  explicit SqlOutboxStore(Database& db) : db_(db) {}

  std::vector<OutboxItem> claim_due(const std::string& claimer, Timestamp now,
                                    std::chrono::milliseconds lease, int limit) override;
  int mark_sent(const std::vector<std::string>& ids, const std::string& claimer, Timestamp at) override;
  void mark_failed(const std::string& id, const std::string& claimer, const std::string& error,
                   std::optional<Timestamp> next_attempt, Timestamp at) override;

 private:
  Database& db_;
};

}  // namespace admit::sql
