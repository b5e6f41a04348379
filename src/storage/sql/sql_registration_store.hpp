#pragma once
// RegistrationStore over the shared SQL driver (both backends). The engine's batches run
// through write(); everything else is one transaction per call. Busy/deadlock failures
// (SQLITE_BUSY, PostgreSQL 40001/40P01) are retried a few times from the start.
#include "domain/ports/registration_store.hpp"
#include "storage/sql/database.hpp"

namespace admit::sql {

class SqlRegistrationStore final : public RegistrationStore {
 public:
  explicit SqlRegistrationStore(Database& db) : db_(db) {}

  void write(const std::function<void(RegistrationWriter&)>& fn) override;
  std::optional<Registration> find_by_key(const std::string& user_id, const std::string& key) override;
  std::optional<Registration> find(const std::string& id) override;
  std::vector<Registration> list_for_user(const std::string& user_id, HistoryScope scope,
                                          Timestamp now) override;
  Result<RegistrationPage> list_for_event(const RegistrationQuery& query) override;
  EventStats stats(const std::string& event_id) override;
  Result<Registration> cancel(const CancelRequest& request, const RegistrationNotices& notices) override;
  int cancel_event(const std::string& event_id, Timestamp now, const RegistrationNotices& notices) override;
  SweepResult sweep(Timestamp now, const RegistrationNotices& notices) override;
  Result<PromoCode> create_promo(const PromoCode& promo) override;
  std::vector<PromoCode> list_promos(const std::string& event_id) override;
  std::optional<PromoCode> find_promo(const std::string& event_id, const std::string& code) override;
  Result<WaitlistEntry> join_waitlist(const WaitlistEntry& entry) override;
  std::optional<WaitlistEntry> find_waitlist(const std::string& event_id, const std::string& user_id) override;
  Status leave_waitlist(const std::string& event_id, const std::string& user_id, Timestamp now,
                        const RegistrationNotices& notices) override;
  std::vector<CounterMismatch> check_counters() override;

 private:
  // Runs fn in a write transaction, retrying busy/deadlock failures.
  template <class F>
  auto transact(F&& fn) -> decltype(fn(std::declval<Connection&>()));

  Database& db_;
};

}  // namespace admit::sql
