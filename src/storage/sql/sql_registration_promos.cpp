// The promo codes of SqlRegistrationStore: creating one (a code is unique per event: a
// taken code is a conflict, also when two requests race) and reading them. Uses are counted
// by the engine's writer (claim_promo, release_promo) and given back by the lifecycle.
#include "storage/sql/sql_registration_detail.hpp"

#include "storage/sql/values.hpp"

namespace admit::sql {

using namespace detail;

Result<PromoCode> SqlRegistrationStore::create_promo(const PromoCode& p) {
  try {
    return transact([&](Connection& c) -> Result<PromoCode> {
      if (!c.query("SELECT 1 FROM promo_codes WHERE event_id = ? AND code = ?", {p.event_id, p.code}).empty())
        return Error::conflict("This event already has the promo code " + p.code + ".");
      c.execute("INSERT INTO promo_codes (" + kPromoColumns.list() +
                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
                {p.id, p.event_id, p.code, std::string(to_string(p.kind)), p.amount,
                 nullable(p.ticket_type_id), std::int64_t{p.unlocks_hidden ? 1 : 0},
                 nullable(p.max_uses), opt_ms(p.valid_from), opt_ms(p.valid_until),
                 to_millis(p.created_at), to_millis(p.updated_at)});
      auto rows = c.query(kPromoColumns.select() + " FROM promo_codes WHERE id = ?", {p.id});
      return promo_from_row(rows.at(0));
    });
  } catch (const DbError& e) {
    if (e.kind() == DbError::Kind::unique_violation)
      return Error::conflict("This event already has the promo code " + p.code + ".");
    throw;
  }
}

std::vector<PromoCode> SqlRegistrationStore::list_promos(const std::string& event_id) {
  auto conn = db_.reader();
  std::vector<PromoCode> out;
  for (const auto& row : conn->query(kPromoColumns.select() +
                                         " FROM promo_codes WHERE event_id = ? ORDER BY created_at, code",
                                     {event_id}))
    out.push_back(promo_from_row(row));
  return out;
}

std::optional<PromoCode> SqlRegistrationStore::find_promo(const std::string& event_id,
                                                         const std::string& code) {
  auto conn = db_.reader();
  auto rows = conn->query(kPromoColumns.select() +
                              " FROM promo_codes WHERE event_id = ? AND code = ?",
                          {event_id, code});
  if (rows.empty()) return std::nullopt;
  return promo_from_row(rows[0]);
}


}  // namespace admit::sql
