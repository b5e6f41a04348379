#pragma once
// RegistrationStore over the shared SQL driver (both backends). The engine's batches run
// through write(); everything else is one transaction per call. Busy/deadlock failures
// (SQLITE_BUSY, PostgreSQL 40001/40P01) are retried a few times from the start.
//
// The code is split by concern: sql_registration_writer.cpp (the engine's writer),
// _queries.cpp (reads, stats, the counter check), _lifecycle.cpp (cancel, cancel_event,
// sweep), _promos.cpp, _waitlist.cpp; sql_registration_detail.hpp holds what they share.
#include <functional>
#include <string>
#include <string_view>

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
  // Runs fn in a write transaction, retrying busy/deadlock failures (defined in
  // sql_registration_detail.hpp).
  template <class F>
  auto transact(F&& fn) -> decltype(fn(std::declval<Connection&>()));

  // Ends one due row of a sweep phase (its event row locked); true when it did.
  using EndDue = std::function<bool(Connection&, const std::string& event_id, const std::string& id)>;
  // A sweep phase: reads the due (event_id, id) pairs of `due_from` (the query after
  // "SELECT event_id, id FROM"; its one parameter: now), then per event one transaction that ends each row still due and offers the
  // freed seats to the waiting list. Returns how many rows it ended.
  int settle_due(std::string_view due_from, Timestamp now, const RegistrationNotices& notices,
                 SweepResult& result, const EndDue& end_one);
  // Offers the free seats of every event with people waiting; returns the offers made.
  int offer_free_seats(Timestamp now, const RegistrationNotices& notices);

  Database& db_;
};

}  // namespace admit::sql
