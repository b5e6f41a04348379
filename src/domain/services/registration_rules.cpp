#include "domain/services/registration_rules.hpp"

#include <algorithm>
#include <set>

#include "common/random.hpp"
#include "domain/services/text.hpp"

namespace admit {

bool is_valid_idempotency_key(std::string_view key) noexcept {
  if (key.empty() || key.size() > RegistrationLimits::kKeyMax) return false;
  for (unsigned char c : key)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

bool is_valid_promo_code(std::string_view code) noexcept {
  if (code.size() < 3 || code.size() > RegistrationLimits::kPromoCodeMax) return false;
  for (unsigned char c : code)
    if (!(std::isalnum(c) || c == '-' || c == '_')) return false;
  return true;
}

std::string normalize_promo_code(std::string_view code) {
  std::string out = trim(code);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

const TicketType* find_type(const Event& event, std::string_view id) noexcept {
  for (const auto& t : event.ticket_types)
    if (t.id == id) return &t;
  return nullptr;
}

Status validate_request_shape(const RegistrationRequest& r) {
  using L = RegistrationLimits;
  FieldErrors errors;
  if (r.items.empty()) errors.add("items", "must list at least one ticket type and quantity");
  if (r.items.size() > L::kItemsMax)
    errors.add("items", "must list at most " + std::to_string(L::kItemsMax) + " ticket types");
  std::set<std::string> seen;
  std::int64_t total = 0;
  for (std::size_t i = 0; i < r.items.size(); ++i) {
    const auto& item = r.items[i];
    const std::string p = "items[" + std::to_string(i) + "].";
    if (item.ticket_type_id.empty()) errors.add(p + "ticket_type_id", "is required");
    else if (!seen.insert(item.ticket_type_id).second)
      errors.add(p + "ticket_type_id", "appears twice; give one quantity per ticket type");
    if (item.quantity < 1 || item.quantity > L::kQuantityMax)
      errors.add(p + "quantity", "must be between 1 and " + std::to_string(L::kQuantityMax));
    else total += item.quantity;
  }
  if (total > L::kQuantityMax)
    errors.add("items", "must add up to at most " + std::to_string(L::kQuantityMax) + " tickets");
  if (!r.attendees.empty()) {
    if (static_cast<std::int64_t>(r.attendees.size()) != total && errors.empty())
      errors.add("attendees", "must list one attendee per ticket (" + std::to_string(total) +
                                  "), or be left out to use your own name and email");
    for (std::size_t i = 0; i < r.attendees.size(); ++i) {
      const auto& a = r.attendees[i];
      const std::string p = "attendees[" + std::to_string(i) + "].";
      check_text(errors, p + "name", a.name, 200, /*required=*/true);
      if (!is_plausible_email(normalize_email(a.email)))
        errors.add(p + "email", "must be an email address");
    }
  }
  if (r.promo_code && !is_valid_promo_code(normalize_promo_code(*r.promo_code)))
    errors.add("promo_code", "must be 3 to 64 letters, digits, - or _");
  if (!errors.empty()) return std::move(errors).to_error();
  return {};
}

std::string request_fingerprint(const RegistrationRequest& r) {
  std::vector<std::pair<std::string, std::int64_t>> items;
  for (const auto& i : r.items) items.emplace_back(i.ticket_type_id, i.quantity);
  std::sort(items.begin(), items.end());
  std::string s = r.event_id + "\n";
  for (const auto& [id, q] : items) s += id + "=" + std::to_string(q) + ";";
  s += '\n';
  if (r.promo_code) s += normalize_promo_code(*r.promo_code);
  for (const auto& a : r.attendees) {
    s += '\n';
    s += a.name;
    s += '\t';
    s += normalize_email(a.email);
  }
  return sha256_hex(s).substr(0, 32);
}

Status check_promo_window(const PromoCode* promo, Timestamp now) {
  if (!promo) return Error::field("promo_code", "is not a valid code for this event");
  if (promo->valid_from && now < *promo->valid_from)
    return Error::field("promo_code", "is not valid yet");
  if (promo->valid_until && now >= *promo->valid_until)
    return Error::field("promo_code", "has expired");
  return {};
}

Status check_request(const Event& e, const RegistrationRequest& r, const PromoCode* promo,
                     std::int64_t user_live_tickets, Timestamp now) {
  if (e.status == EventStatus::draft) return Error::not_found("event");
  if (e.status == EventStatus::cancelled)
    return Error::conflict("This event was cancelled; registrations are closed.");
  if (e.ends_at <= now) return Error::conflict("This event is over; registrations are closed.");
  if (r.promo_code)
    if (auto ok = check_promo_window(promo, now); !ok) return ok;
  FieldErrors errors;
  std::int64_t total = 0;
  for (std::size_t i = 0; i < r.items.size(); ++i) {
    const auto& item = r.items[i];
    const std::string p = "items[" + std::to_string(i) + "].";
    const TicketType* t = find_type(e, item.ticket_type_id);
    bool unlocked = t && (!t->hidden || (promo && promo->unlocks(t->id)));
    if (!t || !unlocked) {
      errors.add(p + "ticket_type_id", "is not a ticket type of this event");
      continue;
    }
    const SaleState state = ticket_sale_state(*t, now);
    if (state == SaleState::not_yet)
      return Error::conflict("Sales for \"" + t->name + "\" start at " +
                             format_rfc3339(*t->sales_start) + ".");
    if (state == SaleState::ended)
      return Error::conflict("Sales for \"" + t->name + "\" have ended.");
    if (t->max_per_order && item.quantity > *t->max_per_order)
      errors.add(p + "quantity", "must be at most " + std::to_string(*t->max_per_order) +
                                     " for \"" + t->name + "\"");
    total += item.quantity;
  }
  if (!errors.empty()) return std::move(errors).to_error();
  if (e.max_per_user && user_live_tickets + total > *e.max_per_user)
    return Error::field("items", "would give you " + std::to_string(user_live_tickets + total) +
                                     " tickets; this event allows at most " +
                                     std::to_string(*e.max_per_user) + " per person");
  return {};
}

std::string_view to_string(SaleState s) noexcept {
  switch (s) {
    case SaleState::not_yet: return "not_yet";
    case SaleState::ended: return "ended";
    case SaleState::sold_out: return "sold_out";
    case SaleState::on_sale: break;
  }
  return "on_sale";
}

SaleState ticket_sale_state(const TicketType& t, Timestamp now, std::int64_t held) noexcept {
  if (t.sales_start && now < *t.sales_start) return SaleState::not_yet;
  if (t.sales_end && now >= *t.sales_end) return SaleState::ended;
  if (t.remaining() <= 0 && held <= 0) return SaleState::sold_out;
  return SaleState::on_sale;
}

std::string_view to_string(EventSaleState s) noexcept {
  switch (s) {
    case EventSaleState::draft: return "draft";
    case EventSaleState::cancelled: return "cancelled";
    case EventSaleState::ended: return "ended";
    case EventSaleState::sold_out: return "sold_out";
    case EventSaleState::on_sale: break;
  }
  return "on_sale";
}

bool is_sold_out(const Event& e) noexcept {
  const bool types_gone =
      !e.ticket_types.empty() &&
      std::all_of(e.ticket_types.begin(), e.ticket_types.end(),
                  [](const TicketType& t) { return t.remaining() <= 0; });
  return e.remaining() <= 0 || types_gone;
}

EventSaleState event_sale_state(const Event& e, Timestamp now) noexcept {
  if (e.status == EventStatus::draft) return EventSaleState::draft;
  if (e.status == EventStatus::cancelled) return EventSaleState::cancelled;
  if (e.ends_at <= now) return EventSaleState::ended;
  if (is_sold_out(e)) return EventSaleState::sold_out;
  return EventSaleState::on_sale;
}

std::int64_t max_order_quantity(const Event& e, const TicketType& t, std::int64_t held) noexcept {
  std::int64_t n = std::min({std::max(t.remaining(), held), std::max(e.remaining(), held),
                             RegistrationLimits::kQuantityMax});
  if (t.max_per_order) n = std::min(n, *t.max_per_order);
  if (e.max_per_user) n = std::min(n, *e.max_per_user);
  return std::max<std::int64_t>(n, 0);
}

Priced price_request(const Event& e, const RegistrationRequest& r, const PromoCode* promo) {
  Priced out;
  std::int64_t fixed_left =
      promo && promo->kind == DiscountKind::fixed ? std::max<std::int64_t>(promo->amount, 0) : 0;
  for (const auto& item : r.items) {
    const TicketType* t = find_type(e, item.ticket_type_id);
    RegistrationItem ri;
    ri.ticket_type_id = item.ticket_type_id;
    ri.quantity = item.quantity;
    ri.unit_price = t ? t->price : 0;
    if (t) ri.ticket_type_name = t->name;
    ri.amount = ri.unit_price * ri.quantity;
    if (promo && promo->applies_to(ri.ticket_type_id)) {
      if (promo->kind == DiscountKind::percent) {
        const std::int64_t pct = std::clamp<std::int64_t>(promo->amount, 0, 100);
        ri.amount -= (ri.amount * pct + 50) / 100;
      } else {
        const std::int64_t off = std::min(fixed_left, ri.amount);
        ri.amount -= off;
        fixed_left -= off;
      }
    }
    out.total += ri.amount;
    out.items.push_back(std::move(ri));
  }
  return out;
}

}  // namespace admit
