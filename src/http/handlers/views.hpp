#pragma once
// JSON shapes of the API (API.md), in one place.
#include <boost/json/object.hpp>

#include "domain/model/account.hpp"
#include "domain/model/event.hpp"
#include "domain/model/registration.hpp"
#include "domain/model/user.hpp"

namespace admit::http {

boost::json::object ticket_type_json(const TicketType& t);
// include_hidden: show hidden ticket types (organizer view or unlocked by a promo code).
boost::json::object event_json(const Event& e, bool include_hidden = false);
// Registrations and tickets (API.md "Registrations and tickets").
boost::json::object ticket_json(const Ticket& t);
boost::json::object registration_json(const Registration& r);

// Accounts: {id, email, name, roles, email_verified, created_at}; the admin view adds
// `disabled`. Tokens never show their secret or hash; sessions show a summary.
boost::json::object user_json(const User& u);
boost::json::object admin_user_json(const User& u);
boost::json::object api_token_json(const ApiToken& t);
boost::json::object session_json(const Session& s, bool current);

}  // namespace admit::http
