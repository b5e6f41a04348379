#pragma once
// Registration endpoints (API.md "Registrations and tickets", event stats, promo codes,
// waiting list). Registering hands the request to the RegistrationEngine and answers from
// its callback: no handler thread waits for the database writer.
#include "domain/services/registration_engine.hpp"
#include "domain/services/registration_service.hpp"
#include "http/router.hpp"

namespace admit::http {

void add_registration_routes(Router& router, RegistrationEngine& engine, RegistrationService& service);

// A CSV cell safe to open in a spreadsheet: quoted, quotes doubled, and a leading
// = + - @ tab or carriage return neutralised with a single quote.
std::string csv_cell(std::string_view value);

}  // namespace admit::http
