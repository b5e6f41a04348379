#include "storage/sql/sql_ticket_store.hpp"

#include <algorithm>

#include "storage/sql/outbox.hpp"

namespace admit::sql {

std::vector<std::string> SqlTicketStore::unissued(int limit) {
  auto conn = db_.reader();
  std::vector<std::string> ids;
  for (const auto& row : conn->query(
           "SELECT id FROM registrations WHERE status = 'confirmed' AND tickets_issued_at IS NULL "
           "ORDER BY created_at LIMIT ?",
           {std::int64_t{std::max(1, limit)}}))
    ids.push_back(row.text(0));
  return ids;
}

namespace {

// One registration of an issuing batch, inside the batch's transaction.
bool mark_one(Connection& c, const IssuedTickets& issued, Timestamp now) {
  const bool mailed = issued.mail.has_value();
  if (c.execute("UPDATE registrations SET tickets_issued_at = ?, tickets_mailed_at = ? "
                "WHERE id = ? AND status = 'confirmed' AND tickets_issued_at IS NULL",
                {to_millis(now), mailed ? Value(to_millis(now)) : Value(nullptr),
                 issued.registration_id}) != 1)
    return false;
  for (const auto& [ticket_id, code] : issued.codes)
    c.execute("UPDATE tickets SET qr = ? WHERE id = ? AND registration_id = ? AND qr IS NULL",
              {code, ticket_id, issued.registration_id});
  if (mailed) {
    const QueuedMail& m = *issued.mail;
    enqueue_mail(c, OutboxMail{m.to, m.subject, m.text, m.html, m.cause_key, m.attachments}, now);
  }
  return true;
}

}  // namespace

std::vector<bool> SqlTicketStore::mark_issued(const std::vector<IssuedTickets>& batch, Timestamp now) {
  if (batch.empty()) return {};
  auto conn = db_.writer();
  return in_transaction(*conn, [&](Connection& c) {
    std::vector<bool> marked;
    marked.reserve(batch.size());
    for (const auto& issued : batch) marked.push_back(mark_one(c, issued, now));
    return marked;
  });
}

std::optional<std::string> SqlTicketStore::registration_of_ticket(const std::string& ticket_id) {
  auto conn = db_.reader();
  auto rows = conn->query("SELECT registration_id FROM tickets WHERE id = ?", {ticket_id});
  if (rows.empty()) return std::nullopt;
  return rows[0].text(0);
}

}  // namespace admit::sql
