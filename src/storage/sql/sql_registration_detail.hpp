#pragma once
// What the parts of SqlRegistrationStore share (sql_registration_*.cpp): the column lists
// and row mappers of registrations, promo codes and waiting-list entries, loading a
// registration with its items and tickets, the seat counters, ending a live registration,
// offering free seats to the waiting list, and the retrying write transaction. Every
// function here runs on the caller's connection, inside the caller's transaction where it
// writes; none opens one of its own.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "domain/ports/registration_store.hpp"
#include "storage/sql/columns.hpp"
#include "storage/sql/database.hpp"
#include "storage/sql/sql_registration_store.hpp"

namespace admit::sql::detail {

// The payment's flag and refund error of a registration (migration 0010), as columns.
inline constexpr std::string_view kPaymentFlag =
    "(SELECT p.flag FROM payments p WHERE p.registration_id = r.id)";
inline constexpr std::string_view kRefundError =
    "(SELECT p.refund_error FROM payments p WHERE p.registration_id = r.id)";

// A registration row joined with its buyer (`registrations r JOIN users u`).
inline constexpr ColumnList kRegistrationColumns{
    "r.id", "r.event_id", "r.user_id", "r.status", "r.total", "r.currency", "r.idempotency_key",
    "r.request_hash", "r.promo_code_id", "r.expires_at", "r.checkout_url", "r.refund_status",
    "r.created_at", "r.updated_at", "r.cancelled_at", "u.name", "u.email", "r.tickets_issued_at",
    "r.tickets_mailed_at", kPaymentFlag, kRefundError};
inline constexpr std::string_view kRegistrationFrom =
    " FROM registrations r JOIN users u ON u.id = r.user_id";
// "SELECT <registration columns> FROM registrations r JOIN users u ON ...".
std::string select_registrations();

inline constexpr ColumnList kPromoColumns{
    "id", "event_id", "code", "kind", "amount", "ticket_type_id", "unlocks_hidden", "max_uses",
    "uses", "valid_from", "valid_until", "created_at", "updated_at"};

inline constexpr ColumnList kWaitlistColumns{
    "id", "event_id", "user_id", "ticket_type_id", "quantity", "status", "offered_ticket_type_id",
    "offered_quantity", "offered_at", "offer_expires_at", "created_at", "updated_at"};
// "SELECT <waiting-list columns> FROM waitlist_entries".
std::string select_waitlist();

// The statuses that hold seats, as an SQL list.
inline constexpr std::string_view kLive = "('confirmed', 'pending_payment')";

Registration registration_from_row(const Row& row);
PromoCode promo_from_row(const Row& row);
WaitlistEntry waitlist_from_row(const Row& row);

// Loads items and tickets of the given registrations (in chunks of ids).
void load_details(Connection& conn, std::vector<Registration>& regs);
// The registration matching `where` (over the r/u aliases), with items and tickets.
std::optional<Registration> load_registration(Connection& conn, std::string_view where,
                                              const std::vector<Value>& params);

// Locks the event row until the transaction ends (see the definition).
void lock_event_row(Connection& conn, const std::string& event_id);
// The account's email address, empty when the account is gone.
std::string user_email(Connection& conn, const std::string& user_id);
// Queues a notice in the outbox of this transaction (nothing when it has no address).
void queue_mail(Connection& conn, const MailNotice& notice, Timestamp now);

// Gives n seats of a ticket type (and its event) back.
void return_seats(Connection& conn, const std::string& event_id, const std::string& type_id,
                  std::int64_t n);
// Takes n seats of a ticket type and its event where both have them; false (nothing taken)
// otherwise.
bool take_seats(Connection& conn, const std::string& event_id, const std::string& type_id,
                std::int64_t n);

// Ends a live registration (event row already locked): status, tickets, counters, promo
// use. False when it was not live.
bool end_registration(Connection& conn, const Registration& reg, RegistrationStatus status,
                      const std::string& by, Timestamp now);

// Gives free seats of a (locked) event to the waiting list, first come first served, and
// queues the offer mails. Returns the number of offers made (sql_registration_waitlist.cpp).
int offer_to_waitlist(Connection& conn, const std::string& event_id, Timestamp now,
                      const RegistrationNotices& notices);

// Lock contention worth trying again from the start (SQLITE_BUSY, PostgreSQL 40001/40P01).
inline bool is_retryable(const DbError& e) { return e.kind() == DbError::Kind::busy; }

}  // namespace admit::sql::detail

namespace admit::sql {

template <class F>
auto SqlRegistrationStore::transact(F&& fn) -> decltype(fn(std::declval<Connection&>())) {
  constexpr int kAttempts = 5;
  for (int attempt = 1;; ++attempt) {
    auto conn = db_.writer();
    try {
      return in_transaction(*conn, fn);
    } catch (const DbError& e) {
      if (!detail::is_retryable(e) || attempt >= kAttempts) throw;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2 * attempt));
  }
}

}  // namespace admit::sql
