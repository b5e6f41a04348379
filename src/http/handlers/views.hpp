#pragma once
// JSON shapes of the API (API.md), in one place.
#include <string_view>

#include <boost/json/object.hpp>

#include "domain/model/account.hpp"
#include "domain/model/event.hpp"
#include "domain/model/registration.hpp"
#include "domain/model/user.hpp"

namespace admit::http {

boost::json::object ticket_type_json(const TicketType& t);
// include_hidden: show every hidden ticket type (the organizer's view). With `promo` (a
// code the caller may use) the hidden types it unlocks are shown too, and the event gains
// `promo: {code, kind, amount, ticket_type_id}`.
boost::json::object event_json(const Event& e, bool include_hidden = false,
                               const PromoCode* promo = nullptr);
// Registrations and tickets (API.md "Registrations and tickets"). Items and tickets carry
// `ticket_type_name` (null when the type no longer exists): a registration is seen only by
// its owner and the event's organizer, who may know what was bought even when the type is
// hidden from the public event view.
// `qr` and `pdf_url` (GET /api/v1/tickets/{id}/pdf, which redirects to a short-lived
// signed link) are null until the ticket is issued, and whenever its registration is not
// confirmed (`usable` false): such a ticket is not valid.
// `tickets_emailed_at` of a registration is when the mail with its tickets was queued.
boost::json::object ticket_json(const Ticket& t, std::string_view ticket_type_name = {},
                                bool usable = true);
boost::json::object registration_json(const Registration& r);

// Promo codes (organizer view), waiting-list entries, event statistics.
boost::json::object promo_json(const PromoCode& p);
boost::json::object waitlist_json(const WaitlistEntry& w);
boost::json::object stats_json(const EventStats& s);

// Accounts: {id, email, name, roles, email_verified, created_at}; the admin view adds
// `disabled`. Tokens never show their secret or hash; sessions show a summary.
boost::json::object user_json(const User& u);
boost::json::object admin_user_json(const User& u);
boost::json::object api_token_json(const ApiToken& t);
boost::json::object session_json(const Session& s, bool current);

}  // namespace admit::http
