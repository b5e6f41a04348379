// The waiting list of SqlRegistrationStore: joining (only when no seat the entry wants is
// left; one entry per user and event), an entry with its position (arrival order, the seq
// column of migration 0004), leaving (an open offer gives its seats back and they pass on),
// and offer_to_waitlist, which the lifecycle and leaving share: free seats of a locked
// event go to the entries waiting, first come first served, each offer mailed.
#include "storage/sql/sql_registration_detail.hpp"

#include "storage/sql/sql_event_store.hpp"
#include "storage/sql/values.hpp"

namespace admit::sql {

using namespace detail;

int detail::offer_to_waitlist(Connection& conn, const std::string& event_id, Timestamp now,
                      const RegistrationNotices& notices) {
  auto event = load_event(conn, event_id);
  if (!event || event->status != EventStatus::published || event->ends_at <= now) return 0;
  std::int64_t event_left = event->capacity - event->sold;
  if (event_left <= 0) return 0;
  auto rows = conn.query(select_waitlist() +
                             " WHERE event_id = ? AND status = 'waiting' "
                             "ORDER BY seq LIMIT 200",  // arrival order (migration 0004)
                         {event_id});
  int offers = 0;
  for (const auto& row : rows) {
    if (event_left <= 0) break;
    WaitlistEntry w = waitlist_from_row(row);
    if (w.quantity > event_left) continue;
    TicketType* chosen = nullptr;
    for (auto& t : event->ticket_types) {
      const bool wanted = w.ticket_type_id ? t.id == *w.ticket_type_id : !t.hidden;
      const bool on_sale = !t.sales_end || now < *t.sales_end;
      if (wanted && on_sale && t.capacity - t.sold >= w.quantity) {
        chosen = &t;
        break;
      }
    }
    if (!chosen) continue;
    if (!take_seats(conn, event_id, chosen->id, w.quantity)) continue;
    const Timestamp expires = now + std::chrono::minutes(event->waitlist_offer_minutes);
    if (conn.execute("UPDATE waitlist_entries SET status = 'offered', offered_ticket_type_id = ?, "
                     "offered_quantity = ?, offered_at = ?, offer_expires_at = ?, updated_at = ? "
                     "WHERE id = ? AND status = 'waiting'",
                     {chosen->id, w.quantity, to_millis(now), to_millis(expires), to_millis(now),
                      w.id}) != 1) {
      return_seats(conn, event_id, chosen->id, w.quantity);
      continue;
    }
    chosen->sold += w.quantity;
    event_left -= w.quantity;
    w.status = WaitlistStatus::offered;
    w.offered_ticket_type_id = chosen->id;
    w.offered_quantity = w.quantity;
    w.offered_at = now;
    w.offer_expires_at = expires;
    queue_mail(conn, notices.waitlist_offer(*event, w, user_email(conn, w.user_id)), now);
    ++offers;
  }
  return offers;
}


Result<WaitlistEntry> SqlRegistrationStore::join_waitlist(const WaitlistEntry& w) {
  try {
    return transact([&](Connection& c) -> Result<WaitlistEntry> {
      lock_event_row(c, w.event_id);
      auto event = load_event(c, w.event_id);
      if (!event) return Error::not_found("event");
      if (!c.query("SELECT 1 FROM waitlist_entries WHERE event_id = ? AND user_id = ?",
                   {w.event_id, w.user_id})
               .empty())
        return Error::conflict("You are already on the waiting list of this event.");
      bool seats_left = false;
      if (event->capacity - event->sold >= w.quantity) {
        for (const auto& t : event->ticket_types) {
          const bool wanted = w.ticket_type_id ? t.id == *w.ticket_type_id : !t.hidden;
          if (wanted && t.capacity - t.sold >= w.quantity) seats_left = true;
        }
      }
      if (seats_left)
        return Error::conflict("Seats are still available: register instead of joining the waiting list.");
      c.execute("INSERT INTO waitlist_entries (id, event_id, user_id, ticket_type_id, quantity, status, "
                "offered_quantity, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'waiting', 0, ?, ?)",
                {w.id, w.event_id, w.user_id, nullable(w.ticket_type_id), w.quantity,
                 to_millis(w.created_at), to_millis(w.updated_at)});
      WaitlistEntry out = w;
      out.status = WaitlistStatus::waiting;
      auto rows = c.query("SELECT COUNT(*) FROM waitlist_entries WHERE event_id = ? AND status = 'waiting'",
                          {w.event_id});
      out.position = rows.empty() ? 1 : rows[0].i64(0);
      return out;
    });
  } catch (const DbError& e) {
    if (e.kind() == DbError::Kind::unique_violation)
      return Error::conflict("You are already on the waiting list of this event.");
    throw;
  }
}

std::optional<WaitlistEntry> SqlRegistrationStore::find_waitlist(const std::string& event_id,
                                                                 const std::string& user_id) {
  auto conn = db_.reader();
  auto rows = conn->query(select_waitlist() +
                              " WHERE event_id = ? AND user_id = ?",
                          {event_id, user_id});
  if (rows.empty()) return std::nullopt;
  WaitlistEntry w = waitlist_from_row(rows[0]);
  if (w.status == WaitlistStatus::waiting) {
    auto pos = conn->query(
        "SELECT COUNT(*) FROM waitlist_entries WHERE event_id = ? AND status = 'waiting' AND "
        "seq <= (SELECT seq FROM waitlist_entries WHERE id = ?)",
        {event_id, w.id});
    w.position = pos.empty() ? 0 : pos[0].i64(0);
  }
  return w;
}

Status SqlRegistrationStore::leave_waitlist(const std::string& event_id, const std::string& user_id,
                                            Timestamp now, const RegistrationNotices& notices) {
  return transact([&](Connection& c) -> Status {
    lock_event_row(c, event_id);
    auto rows = c.query(select_waitlist() +
                            " WHERE event_id = ? AND user_id = ?",
                        {event_id, user_id});
    if (rows.empty()) return Error::not_found("waiting list entry");
    WaitlistEntry w = waitlist_from_row(rows[0]);
    if (w.status == WaitlistStatus::offered && w.offered_ticket_type_id)
      return_seats(c, event_id, *w.offered_ticket_type_id, w.offered_quantity);
    c.execute("DELETE FROM waitlist_entries WHERE id = ?", {w.id});
    if (w.status == WaitlistStatus::offered) offer_to_waitlist(c, event_id, now, notices);
    return {};
  });
}


}  // namespace admit::sql
