#pragma once
// RegistrationStore: registrations, tickets, promo codes and the waiting list. Implemented
// once in SQL for SQLite and PostgreSQL (storage/sql/sql_registration_*.cpp); the
// conformance suite drives both. Counters (events.sold, ticket_types.sold,
// promo_codes.uses) always change in the same transaction as the rows they count.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "domain/model/event.hpp"
#include "domain/model/registration.hpp"

namespace admit {

// A mail the store queues in the transactional outbox together with the change causing it.
struct MailNotice {
  std::string to;
  std::string subject;
  std::string text;
  std::string cause_key;  // unique per cause: one cause never yields two mails
};

// Writes the texts of the mails the store queues (the service implements it; the store
// only decides when). Implementations must be thread-safe and must not block.
class RegistrationNotices {
 public:
  virtual ~RegistrationNotices() = default;
  virtual MailNotice registration_cancelled(const Event& event, const Registration& r,
                                            const std::string& to, bool by_organizer) const = 0;
  virtual MailNotice event_cancelled(const Event& event, const Registration& r,
                                     const std::string& to) const = 0;
  virtual MailNotice waitlist_offer(const Event& event, const WaitlistEntry& entry,
                                    const std::string& to) const = 0;
};

// An event locked for the rest of a write transaction, with what the writer needs to know.
struct LockedEvent {
  Event event;
  bool has_open_offers = false;  // some waiting-list offer of this event holds seats
};

// One open write transaction of the registration engine's writer (DESIGN.md §4). The
// engine runs a whole batch of requests through one of these; every method is a statement
// (or a few) inside that transaction. Not thread-safe: one writer thread uses it.
class RegistrationWriter {
 public:
  virtual ~RegistrationWriter() = default;
  // Locks the rows of these events until commit, in id order, so that every writer of an
  // event on every node takes turns (and lock order is always events first, in id order,
  // then their ticket types), and loads each event with its ticket types: one look-up for
  // the whole batch. Events that do not exist are missing from the answer.
  virtual std::map<std::string, LockedEvent, std::less<>> lock_events(
      const std::vector<std::string>& event_ids) = 0;
  // Tickets the user holds for the event (confirmed or pending_payment registrations).
  virtual std::int64_t live_tickets(const std::string& event_id, const std::string& user_id) = 0;
  // The event's promo code with this (upper-case) code.
  virtual std::optional<PromoCode> find_promo(const std::string& event_id, const std::string& code) = 0;
  // The user's waiting-list offer for the event that has not expired at `now`.
  virtual std::optional<WaitlistEntry> open_offer(const std::string& event_id,
                                                  const std::string& user_id, Timestamp now) = 0;

  // Conditional counter updates, one statement for all the batch's ticket types (events):
  // `sold = sold + n` for each id where `sold + n <= capacity`. True when every counter
  // took its seats; false means at least one did not (the caller rolls back).
  virtual bool take_type_seats(const std::map<std::string, std::int64_t>& seats_by_type) = 0;
  virtual bool take_event_seats(const std::map<std::string, std::int64_t>& seats_by_event) = 0;
  // `uses = uses + 1` where `max_uses` allows it. True when applied.
  virtual bool claim_promo(const std::string& promo_id) = 0;
  // Undo of the three above inside the same transaction (a registration whose
  // idempotency key turned out to be taken).
  virtual void return_type_seats(const std::string& ticket_type_id, std::int64_t n) = 0;
  virtual void return_event_seats(const std::string& event_id, std::int64_t n) = 0;
  virtual void release_promo(const std::string& promo_id) = 0;

  // Marks an open offer accepted and gives its held seats back to the counters (the
  // batch then takes them again with its conditional updates). False when the offer was
  // no longer open.
  virtual bool accept_offer(const WaitlistEntry& entry, Timestamp now) = 0;

  // Queues a registration (items and tickets included) for insertion by flush().
  virtual void stage(const Registration& registration) = 0;
  // Inserts every staged registration (multi-row inserts). Returns the ids of those that
  // were not inserted because the user's idempotency key was taken meanwhile (by another
  // batch or another node); their items and tickets are not inserted either.
  virtual std::vector<std::string> flush() = 0;
  virtual std::optional<Registration> find_by_key(const std::string& user_id,
                                                  const std::string& key) = 0;
};

struct RegistrationQuery {
  std::string event_id;
  std::optional<std::string> q;  // buyer or attendee name or email, case-insensitive
  std::optional<RegistrationStatus> status;
  int limit = 50;
  std::optional<std::string> cursor;
};

struct RegistrationPage {
  std::vector<Registration> items;
  std::optional<std::string> next_cursor;
};

enum class HistoryScope { all, upcoming, past };

// Who cancels, for the rules the store applies atomically.
struct CancelRequest {
  std::string registration_id;
  bool by_organizer = false;
  Timestamp now;
};

// A counter that does not equal the rows it counts (`admit doctor`).
struct CounterMismatch {
  std::string what;      // "events.sold", "ticket_types.sold", "promo_codes.uses"
  std::string id;
  std::int64_t counter = 0;
  std::int64_t rows = 0;
};

// What the sweeper did in one pass.
struct SweepResult {
  int holds_expired = 0;
  int offers_expired = 0;
  int offers_made = 0;
  std::vector<std::string> events_with_returned_seats;
};

class RegistrationStore {
 public:
  virtual ~RegistrationStore() = default;

  // Runs fn inside one write transaction: commit when it returns, rollback when it throws
  // (the exception propagates as a std::exception). Transient contention (a lock held by
  // another writer, a deadlock or serialization failure) is retried inside the store,
  // from the start; what reaches the caller is a failure worth answering 500/503 to.
  virtual void write(const std::function<void(RegistrationWriter&)>& fn) = 0;

  // Reads (reader connections).
  virtual std::optional<Registration> find_by_key(const std::string& user_id,
                                                  const std::string& key) = 0;
  virtual std::optional<Registration> find(const std::string& id) = 0;
  // The user's registrations, newest first, with tickets.
  virtual std::vector<Registration> list_for_user(const std::string& user_id, HistoryScope scope,
                                                  Timestamp now) = 0;
  // An event's registrations, newest first; a malformed cursor is a bad_request naming it.
  virtual Result<RegistrationPage> list_for_event(const RegistrationQuery& query) = 0;
  virtual EventStats stats(const std::string& event_id) = 0;

  // Cancels a live registration in one transaction: status, tickets voided, seats and the
  // promo use returned, a refund marked due when it was paid, the notice queued, and the
  // returned seats offered to the waiting list. conflict when it is no longer live.
  virtual Result<Registration> cancel(const CancelRequest& request,
                                      const RegistrationNotices& notices) = 0;
  // Cancels every live registration of a cancelled event and the waiting list (batches of
  // transactions); returns how many registrations were cancelled.
  virtual int cancel_event(const std::string& event_id, Timestamp now,
                           const RegistrationNotices& notices) = 0;
  // Expires pending_payment holds and waiting-list offers past their time (seats returned
  // in the same transaction), then offers free seats to waiting lists.
  virtual SweepResult sweep(Timestamp now, const RegistrationNotices& notices) = 0;

  // Promo codes. create: conflict when the code exists for the event.
  virtual Result<PromoCode> create_promo(const PromoCode& promo) = 0;
  virtual std::vector<PromoCode> list_promos(const std::string& event_id) = 0;
  // The event's promo code with this (upper-case) code, read outside any write.
  virtual std::optional<PromoCode> find_promo(const std::string& event_id, const std::string& code) = 0;

  // Waiting list. join: conflict when the user has an entry, or seats are available
  // (checked in the transaction).
  virtual Result<WaitlistEntry> join_waitlist(const WaitlistEntry& entry) = 0;
  virtual std::optional<WaitlistEntry> find_waitlist(const std::string& event_id,
                                                     const std::string& user_id) = 0;
  // Removes the user's entry; an open offer's seats are returned and passed on.
  virtual Status leave_waitlist(const std::string& event_id, const std::string& user_id,
                                Timestamp now, const RegistrationNotices& notices) = 0;

  // Every counter that differs from its rows (empty when all agree).
  virtual std::vector<CounterMismatch> check_counters() = 0;
};

}  // namespace admit
