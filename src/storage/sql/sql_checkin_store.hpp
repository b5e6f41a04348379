#pragma once
// CheckinStore over the shared SQL driver (both backends).
#include "domain/ports/checkin_store.hpp"
#include "storage/sql/database.hpp"

namespace admit::sql {

class SqlCheckinStore final : public CheckinStore {
 public:
  explicit SqlCheckinStore(Database& db) : db_(db) {}

  std::vector<ScanOutcome> record(const std::vector<Scan>& scans, Timestamp now) override;
  Result<ScanOutcome> undo(const std::string& event_id, const std::string& ticket_id,
                           const std::string& actor_id, const std::string& gate, Timestamp now) override;
  CheckinBundle bundle(const std::string& event_id, std::optional<std::int64_t> since) override;
  Result<CheckinLogPage> log(const std::string& event_id, int limit,
                             const std::optional<std::string>& cursor) override;
  std::vector<CheckinCount> per_hour(const std::string& event_id) override;

 private:
  Database& db_;
};

}  // namespace admit::sql
