#pragma once
// JSON shapes of the API (API.md), in one place.
#include <boost/json/object.hpp>

#include "domain/model/event.hpp"

namespace admit::http {

boost::json::object ticket_type_json(const TicketType& t);
// include_hidden: show hidden ticket types (organizer view or unlocked by a promo code).
boost::json::object event_json(const Event& e, bool include_hidden = false);

}  // namespace admit::http
