// The lifecycle writes of SqlRegistrationStore: cancelling one registration (by its
// attendee or the organizer), cancelling every registration and the waiting list of a
// cancelled event (batches of 200 per transaction), and the sweeper's pass (holds past
// their time expire, unanswered waiting-list offers pass on, free seats go to whoever
// waits). Each transaction first locks its event row; seats and promo uses are given back
// in the same transaction that ends the registration, with the notice mails queued there.
#include "storage/sql/sql_registration_detail.hpp"

#include <algorithm>

#include "storage/sql/columns.hpp"
#include "storage/sql/sql_event_store.hpp"
#include "storage/sql/values.hpp"

namespace admit::sql {

using namespace detail;

namespace {
// What settle_due reads from each due row, whatever table it comes from.
constexpr ColumnList kDue{"event_id", "id"};
}  // namespace

Result<Registration> SqlRegistrationStore::cancel(const CancelRequest& req,
                                                  const RegistrationNotices& notices) {
  std::string event_id;
  {
    auto conn = db_.reader();
    auto rows = conn->query("SELECT event_id FROM registrations WHERE id = ?", {req.registration_id});
    if (rows.empty()) return Error::not_found("registration");
    event_id = rows[0].text(0);
  }
  return transact([&](Connection& c) -> Result<Registration> {
    lock_event_row(c, event_id);
    auto reg = load_registration(c, "r.id = ?", {req.registration_id});
    auto event = load_event(c, event_id);
    if (!reg || !event) return Error::not_found("registration");
    if (!end_registration(c, *reg, RegistrationStatus::cancelled,
                          req.by_organizer ? "organizer" : "attendee", req.now))
      return Error::conflict("This registration is already " + std::string(to_string(reg->status)) + ".");
    auto updated = load_registration(c, "r.id = ?", {req.registration_id});
    queue_mail(c, notices.registration_cancelled(*event, *updated, user_email(c, updated->user_id),
                                                 req.by_organizer),
               req.now);
    offer_to_waitlist(c, event_id, req.now, notices);
    return std::move(*updated);
  });
}

int SqlRegistrationStore::cancel_event(const std::string& event_id, Timestamp now,
                                       const RegistrationNotices& notices) {
  int total = 0;
  for (;;) {
    const int done = transact([&](Connection& c) {
      lock_event_row(c, event_id);
      auto event = load_event(c, event_id);
      if (!event) return 0;
      std::vector<Registration> regs;
      for (const auto& row : c.query(select_registrations() +
                                         " WHERE r.event_id = ? AND r.status IN " + std::string(kLive) +
                                         " ORDER BY r.created_at, r.id LIMIT 200",
                                     {event_id}))
        regs.push_back(registration_from_row(row));
      load_details(c, regs);
      int n = 0;
      for (auto& r : regs) {
        if (!end_registration(c, r, RegistrationStatus::cancelled, "event", now)) continue;
        r.status = RegistrationStatus::cancelled;
        r.cancelled_at = now;
        queue_mail(c, notices.event_cancelled(*event, r, r.buyer_email), now);
        ++n;
      }
      if (regs.empty()) {
        // The waiting list ends too; open offers give their seats back.
        for (const auto& row : c.query(select_waitlist() +
                                           " WHERE event_id = ? AND status = 'offered'",
                                       {event_id})) {
          WaitlistEntry w = waitlist_from_row(row);
          if (w.offered_ticket_type_id)
            return_seats(c, event_id, *w.offered_ticket_type_id, w.offered_quantity);
        }
        c.execute("UPDATE waitlist_entries SET status = 'cancelled', updated_at = ? "
                  "WHERE event_id = ? AND status IN ('waiting', 'offered')",
                  {to_millis(now), event_id});
        return -1;
      }
      return n;
    });
    if (done < 0) break;
    total += done;
  }
  return total;
}

SweepResult SqlRegistrationStore::sweep(Timestamp now, const RegistrationNotices& notices) {
  SweepResult result;
  const std::int64_t now_ms = to_millis(now);

  // 1. Holds past expires_at.
  result.holds_expired += settle_due(
      "registrations WHERE status = 'pending_payment' AND expires_at <= ? "
      "ORDER BY expires_at LIMIT 1000",
      now, notices, result,
      [&](Connection& c, const std::string&, const std::string& id) {
        auto reg = load_registration(c, "r.id = ?", {id});
        if (!reg || reg->status != RegistrationStatus::pending_payment || !reg->expires_at ||
            *reg->expires_at > now)
          return false;
        return end_registration(c, *reg, RegistrationStatus::expired, "", now);
      });

  // 2. Waiting-list offers nobody took up in time pass to the next in line.
  result.offers_expired += settle_due(
      "waitlist_entries WHERE status = 'offered' AND offer_expires_at <= ? "
      "ORDER BY offer_expires_at LIMIT 1000",
      now, notices, result,
      [&](Connection& c, const std::string& event_id, const std::string& id) {
        auto rows = c.query(select_waitlist() + " WHERE id = ?", {id});
        if (rows.empty()) return false;
        WaitlistEntry w = waitlist_from_row(rows[0]);
        if (c.execute("UPDATE waitlist_entries SET status = 'expired', updated_at = ? "
                      "WHERE id = ? AND status = 'offered' AND offer_expires_at <= ?",
                      {now_ms, w.id, now_ms}) != 1)
          return false;
        if (w.offered_ticket_type_id)
          return_seats(c, event_id, *w.offered_ticket_type_id, w.offered_quantity);
        return true;
      });

  // 3. Free seats (capacity raised, seats returned on another node) and people waiting.
  result.offers_made += offer_free_seats(now, notices);

  auto& returned = result.events_with_returned_seats;
  std::sort(returned.begin(), returned.end());
  returned.erase(std::unique(returned.begin(), returned.end()), returned.end());
  return result;
}

int SqlRegistrationStore::settle_due(std::string_view due_from, Timestamp now,
                                     const RegistrationNotices& notices, SweepResult& result,
                                     const EndDue& end_one) {
  std::vector<std::pair<std::string, std::string>> due;  // (event, row id)
  {
    auto conn = db_.reader();
    for (const auto& row : conn->query(kDue.select() + " FROM " + std::string(due_from), {to_millis(now)}))
      due.emplace_back(row.text(kDue["event_id"]), row.text(kDue["id"]));
  }
  std::sort(due.begin(), due.end());
  int settled = 0;
  for (std::size_t i = 0; i < due.size();) {
    const std::string event_id = due[i].first;
    std::size_t end = i;
    while (end < due.size() && due[end].first == event_id) ++end;
    settled += transact([&](Connection& c) {
      lock_event_row(c, event_id);
      int n = 0;
      for (std::size_t k = i; k < end; ++k)
        if (end_one(c, event_id, due[k].second)) ++n;
      if (n > 0) result.offers_made += offer_to_waitlist(c, event_id, now, notices);
      return n;
    });
    result.events_with_returned_seats.push_back(event_id);
    i = end;
  }
  return settled;
}

int SqlRegistrationStore::offer_free_seats(Timestamp now, const RegistrationNotices& notices) {
  std::vector<std::string> waiting;
  {
    auto conn = db_.reader();
    for (const auto& row : conn->query(
             "SELECT DISTINCT w.event_id FROM waitlist_entries w JOIN events e ON e.id = w.event_id "
             "WHERE w.status = 'waiting' AND e.sold < e.capacity AND e.status = 'published' AND e.ends_at > ?",
             {to_millis(now)}))
      waiting.push_back(row.text(0));
  }
  std::sort(waiting.begin(), waiting.end());
  int offers = 0;
  for (const auto& event_id : waiting) {
    offers += transact([&](Connection& c) {
      lock_event_row(c, event_id);
      return offer_to_waitlist(c, event_id, now, notices);
    });
  }
  return offers;
}

}  // namespace admit::sql
