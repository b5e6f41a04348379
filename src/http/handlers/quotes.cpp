#include "http/handlers/quotes.hpp"

#include <boost/json/array.hpp>

#include "http/handlers/offload.hpp"
#include "http/handlers/support.hpp"

namespace admit::http {
namespace {

namespace json = boost::json;

// Reads `{items: [{ticket_type_id, quantity}], promo_code?}`; `items` may be empty (a quote
// of nothing answers the ticket types' states). A non-empty order is checked as a
// registration's is.
Status read_quote_body(const json::value& body, RegistrationRequest& out) {
  FieldErrors errors;
  JsonObjectReader r(body, errors);
  read_order_items(r, errors, out.items);
  out.promo_code = r.string("promo_code", Need::optional, 200);
  if (out.promo_code && out.promo_code->empty()) out.promo_code.reset();
  r.finish();
  if (!errors.empty()) return std::move(errors).to_error();
  if (!out.items.empty()) return validate_request_shape(out);
  if (out.promo_code && !is_valid_promo_code(normalize_promo_code(*out.promo_code)))
    return Error::field("promo_code", "must be 3 to 64 letters, digits, - or _");
  return {};
}

// Seats of `type` a waiting-list offer holds for this caller (0 without one).
std::int64_t held_for(const std::optional<WaitlistEntry>& offer, const TicketType& type) {
  if (!offer) return 0;
  if (offer->offered_ticket_type_id && *offer->offered_ticket_type_id != type.id) return 0;
  return offer->offered_quantity > 0 ? offer->offered_quantity : offer->quantity;
}

std::optional<WaitlistEntry> open_offer(RegistrationService& registrations,
                                        const std::optional<Actor>& actor, const Event& event,
                                        Timestamp now) {
  if (!actor) return std::nullopt;
  auto entry = registrations.get_waitlist(*actor, event.id);
  if (!entry || entry->status != WaitlistStatus::offered) return std::nullopt;
  if (entry->offer_expires_at && *entry->offer_expires_at <= now) return std::nullopt;
  return std::move(*entry);
}

// The price of one ticket as a list shows it: a percent code lowers it; a fixed code comes
// off the order as a whole, so the unit price stays.
std::int64_t shown_unit_price(const Event& e, const TicketType& t, const PromoCode* promo) {
  RegistrationRequest one;
  one.items.push_back({t.id, 1});
  const bool per_ticket = promo && promo->kind == DiscountKind::percent;
  return price_request(e, one, per_ticket ? promo : nullptr).total;
}

json::value promo_view(const PromoCode* promo) {
  if (!promo) return nullptr;
  return json::object{{"code", promo->code},
                      {"kind", to_string(promo->kind)},
                      {"amount", promo->amount},
                      {"ticket_type_id", promo->ticket_type_id ? json::value(*promo->ticket_type_id)
                                                               : json::value(nullptr)}};
}

json::object quote_json(const Event& e, bool manager, const PromoCode* promo,
                        const std::optional<WaitlistEntry>& offer, const Priced& priced,
                        Timestamp now) {
  json::array types;
  for (const auto& t : e.ticket_types) {
    if (t.hidden && !manager && !(promo && promo->unlocks(t.id))) continue;
    const std::int64_t held = held_for(offer, t);
    types.push_back({{"ticket_type_id", t.id},
                     {"state", to_string(ticket_sale_state(t, now, held))},
                     {"unit_price", shown_unit_price(e, t, promo)},
                     {"max_quantity", max_order_quantity(e, t, held)},
                     {"held", held}});
  }
  json::array items;
  std::int64_t subtotal = 0;
  for (const auto& i : priced.items) {
    const std::int64_t list = i.unit_price * i.quantity;
    subtotal += list;
    items.push_back({{"ticket_type_id", i.ticket_type_id},
                     {"ticket_type_name", i.ticket_type_name},
                     {"quantity", i.quantity},
                     {"unit_price", i.unit_price},
                     {"subtotal", list},
                     {"discount", list - i.amount},
                     {"amount", i.amount}});
  }
  return {{"event_id", e.id},
          {"currency", e.currency},
          {"state", to_string(event_sale_state(e, now))},
          {"promo", promo_view(promo)},
          {"ticket_types", std::move(types)},
          {"items", std::move(items)},
          {"subtotal", subtotal},
          {"discount", subtotal - priced.total},
          {"total", priced.total}};
}

Response quote(const Quotes& q, Request& req) {
  auto body = json_body(req);
  if (!body) return problem(req, body.error());
  RegistrationRequest order;
  order.event_id = req.param("id");
  if (auto ok = read_quote_body(*body, order); !ok) return problem(req, ok.error());
  const auto actor = actor_of(req);
  auto event = q.catalog.get(actor, order.event_id);
  if (!event) return problem(req, event.error());
  const bool manager = actor && (event->organizer_id == actor->user_id || actor->is_admin());
  std::optional<PromoCode> promo;
  if (order.promo_code) {
    PromoAttempt who{client_of(req).ip, actor ? std::optional(actor->user_id) : std::nullopt};
    auto found = q.registrations.try_promo(*event, *order.promo_code, who);
    if (!found) return problem(req, found.error());
    promo = std::move(*found);
  }
  const Timestamp now = q.clock.now();
  const PromoCode* code = promo ? &*promo : nullptr;
  if (!order.items.empty())
    if (auto ok = check_request(*event, order, code, 0, now); !ok) return problem(req, ok.error());
  const auto offer = open_offer(q.registrations, actor, *event, now);
  Response r = Response::json(
      200, quote_json(*event, manager, code, offer, price_request(*event, order, code), now));
  r.header("Cache-Control", "private, no-store");
  return r;
}

}  // namespace

void read_order_items(JsonObjectReader& r, FieldErrors& errors, std::vector<RequestedItem>& out) {
  const json::array* items = r.array("items", Need::required);
  if (!items) return;
  for (std::size_t i = 0; i < items->size(); ++i) {
    JsonObjectReader item((*items)[i], errors, "items[" + std::to_string(i) + "]");
    RequestedItem ri;
    ri.ticket_type_id = item.string("ticket_type_id", Need::required, 100).value_or("");
    ri.quantity = item.integer("quantity", Need::required).value_or(0);
    item.finish();
    out.push_back(std::move(ri));
  }
}

void add_quote_routes(Router& router, Quotes quotes) {
  RouteOptions options;
  options.allow = kPublic;  // a visitor sees prices before signing in; drafts stay their organizer's
  router.post("/api/v1/events/{id}/quote",
              sync([quotes](Request& req) { return quote(quotes, req); }), options);
}

}  // namespace admit::http
