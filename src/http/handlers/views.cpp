#include "http/handlers/views.hpp"

#include <boost/json/array.hpp>

#include "domain/services/registration_rules.hpp"

namespace admit::http {
namespace {
boost::json::value time_or_null(const std::optional<Timestamp>& t) {
  if (!t) return nullptr;
  return boost::json::value(format_rfc3339(*t));
}
template <class T>
boost::json::value or_null(const std::optional<T>& v) {
  if (!v) return nullptr;
  return boost::json::value(*v);
}
boost::json::value name_or_null(std::string_view name) {
  if (name.empty()) return nullptr;
  return boost::json::value(name);
}
}  // namespace

boost::json::object ticket_type_json(const TicketType& t) {
  return {{"id", t.id},
          {"name", t.name},
          {"description", t.description},
          {"price", t.price},
          {"capacity", t.capacity},
          {"sold", t.sold},
          {"remaining", t.remaining()},
          {"sales_start", time_or_null(t.sales_start)},
          {"sales_end", time_or_null(t.sales_end)},
          {"max_per_order", or_null(t.max_per_order)},
          {"hidden", t.hidden}};
}

boost::json::object event_json(const Event& e, bool include_hidden, const PromoCode* promo) {
  boost::json::array types;
  for (const auto& t : e.ticket_types)
    if (!t.hidden || include_hidden || (promo && promo->unlocks(t.id)))
      types.push_back(ticket_type_json(t));
  boost::json::object o{{"id", e.id},
          {"title", e.title},
          {"description", e.description},
          {"category", e.category},
          {"venue", e.venue},
          {"starts_at", format_rfc3339(e.starts_at)},
          {"ends_at", format_rfc3339(e.ends_at)},
          {"timezone", e.timezone},
          {"currency", e.currency},
          {"capacity", e.capacity},
          {"status", to_string(e.status)},
          {"organizer_id", e.organizer_id},
          {"ticket_types", std::move(types)},
          {"sold", e.sold},
          {"remaining", e.remaining()},
          {"sold_out", is_sold_out(e)},
          {"max_per_user", or_null(e.max_per_user)},
          {"hold_minutes", e.hold_minutes},
          {"pay_at_door", e.pay_at_door},
          {"waitlist_offer_minutes", e.waitlist_offer_minutes},
          {"cancel_cutoff_hours", or_null(e.cancel_cutoff_hours)},
          {"door_staff_can_undo", e.door_staff_can_undo},
          {"created_at", format_rfc3339(e.created_at)},
          {"updated_at", format_rfc3339(e.updated_at)},
          {"published_at", time_or_null(e.published_at)}};
  if (promo)
    o["promo"] = boost::json::object{{"code", promo->code},
                                     {"kind", to_string(promo->kind)},
                                     {"amount", promo->amount},
                                     {"ticket_type_id", or_null(promo->ticket_type_id)}};
  return o;
}

boost::json::object user_json(const User& u) {
  boost::json::array roles;
  for (const auto& r : u.roles) roles.emplace_back(r);
  return {{"id", u.id},
          {"email", u.email},
          {"name", u.name},
          {"roles", std::move(roles)},
          {"email_verified", u.email_verified_at.has_value()},
          {"created_at", format_rfc3339(u.created_at)}};
}

boost::json::object admin_user_json(const User& u) {
  auto o = user_json(u);
  o["disabled"] = u.disabled;
  return o;
}

boost::json::object api_token_json(const ApiToken& t) {
  return {{"id", t.id},
          {"name", t.name},
          {"event_id", or_null(t.event_scope)},
          {"created_at", format_rfc3339(t.created_at)},
          {"last_used_at", time_or_null(t.last_used_at)},
          {"expires_at", time_or_null(t.expires_at)}};
}

boost::json::object session_json(const Session& s, bool current) {
  return {{"id", s.handle},  // never s.id: that is the stored hash of the cookie
          {"created_at", format_rfc3339(s.created_at)},
          {"last_seen_at", format_rfc3339(s.last_seen_at)},
          {"expires_at", format_rfc3339(s.expires_at)},
          {"user_agent", s.user_agent.empty() ? boost::json::value(nullptr) : boost::json::value(s.user_agent)},
          {"ip", s.ip.empty() ? boost::json::value(nullptr) : boost::json::value(s.ip)},
          {"current", current}};
}

boost::json::object ticket_json(const Ticket& t, std::string_view ticket_type_name, bool usable) {
  // A ticket is usable while its registration is confirmed and it is issued: only then do
  // its code and PDF mean anything.
  const bool show = usable && t.qr.has_value();
  return {{"id", t.id},
          {"registration_id", t.registration_id},
          {"event_id", t.event_id},
          {"ticket_type_id", t.ticket_type_id},
          {"ticket_type_name", name_or_null(ticket_type_name)},
          {"attendee_name", t.attendee_name},
          {"attendee_email", t.attendee_email},
          {"status", to_string(t.status)},
          {"qr", show ? boost::json::value(*t.qr) : boost::json::value(nullptr)},
          {"pdf_url", show ? boost::json::value("/api/v1/tickets/" + t.id + "/pdf") : boost::json::value(nullptr)},
          {"checked_in_at", time_or_null(t.checked_in_at)}};
}

boost::json::object registration_json(const Registration& r) {
  boost::json::array items;
  for (const auto& i : r.items)
    items.push_back({{"ticket_type_id", i.ticket_type_id},
                     {"ticket_type_name", name_or_null(i.ticket_type_name)},
                     {"quantity", i.quantity},
                     {"unit_price", i.unit_price},
                     {"amount", i.amount}});
  boost::json::array tickets;
  for (const auto& t : r.tickets) {
    // Every ticket comes from one of the registration's items, which carry the type's name.
    std::string_view name;
    for (const auto& i : r.items)
      if (i.ticket_type_id == t.ticket_type_id) name = i.ticket_type_name;
    tickets.push_back(ticket_json(t, name, r.status == RegistrationStatus::confirmed));
  }
  boost::json::object out{{"id", r.id},
          {"event_id", r.event_id},
          {"user_id", r.user_id},
          {"status", to_string(r.status)},
          {"items", std::move(items)},
          {"total", r.total},
          {"currency", r.currency},
          {"expires_at", time_or_null(r.expires_at)},
          {"checkout_url", or_null(r.checkout_url)},
          {"refund_status", or_null(r.refund_status)},
          {"payment_flags", boost::json::array(r.payment_flags.begin(), r.payment_flags.end())},
          {"created_at", format_rfc3339(r.created_at)},
          {"cancelled_at", time_or_null(r.cancelled_at)},
          {"tickets_issued_at", time_or_null(r.tickets_issued_at)},
          {"tickets_emailed_at", time_or_null(r.tickets_mailed_at)},
          {"tickets", std::move(tickets)}};
  if (r.can_cancel) {
    out["can_cancel"] = *r.can_cancel;
    out["cancel_refusal"] = r.cancel_refusal ? boost::json::value(to_string(*r.cancel_refusal)) : nullptr;
  }
  return out;
}

boost::json::object promo_json(const PromoCode& p) {
  return {{"id", p.id},
          {"event_id", p.event_id},
          {"code", p.code},
          {"kind", to_string(p.kind)},
          {"amount", p.amount},
          {"ticket_type_id", or_null(p.ticket_type_id)},
          {"unlocks_hidden", p.unlocks_hidden},
          {"max_uses", or_null(p.max_uses)},
          {"uses", p.uses},
          {"valid_from", time_or_null(p.valid_from)},
          {"valid_until", time_or_null(p.valid_until)},
          {"created_at", format_rfc3339(p.created_at)},
          {"updated_at", format_rfc3339(p.updated_at)}};
}

boost::json::object waitlist_json(const WaitlistEntry& w) {
  return {{"id", w.id},
          {"event_id", w.event_id},
          {"status", to_string(w.status)},
          {"ticket_type_id", or_null(w.ticket_type_id)},
          {"quantity", w.quantity},
          {"position", w.position > 0 ? boost::json::value(w.position) : boost::json::value(nullptr)},
          {"offered_ticket_type_id", or_null(w.offered_ticket_type_id)},
          {"offered_quantity", w.offered_quantity},
          {"offer_expires_at", time_or_null(w.offer_expires_at)},
          {"created_at", format_rfc3339(w.created_at)}};
}

boost::json::object stats_json(const EventStats& s) {
  boost::json::array types;
  for (const auto& t : s.by_ticket_type)
    types.push_back({{"ticket_type_id", t.ticket_type_id},
                     {"name", t.name},
                     {"capacity", t.capacity},
                     {"sold", t.sold},
                     {"remaining", t.capacity > t.sold ? t.capacity - t.sold : 0},
                     {"revenue", t.revenue},
                     {"checked_in", t.checked_in}});
  boost::json::array days;
  for (const auto& d : s.sales_by_day)
    days.push_back({{"date", d.date}, {"tickets", d.tickets}, {"revenue", d.revenue}});
  boost::json::array hours;
  for (const auto& h : s.checkins_by_hour) hours.push_back({{"hour", h.hour}, {"count", h.count}});
  return {{"capacity", s.capacity},
          {"sold", s.sold},
          {"remaining", s.capacity > s.sold ? s.capacity - s.sold : 0},
          {"revenue", s.revenue},
          {"checked_in", s.checked_in},
          {"by_ticket_type", std::move(types)},
          {"sales_by_day", std::move(days)},
          {"checkins_by_hour", std::move(hours)}};
}

}  // namespace admit::http
