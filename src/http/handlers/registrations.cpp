#include "http/handlers/registrations.hpp"

#include <boost/json/array.hpp>

#include "http/handlers/offload.hpp"
#include "http/handlers/quotes.hpp"
#include "http/handlers/support.hpp"
#include "http/handlers/views.hpp"

namespace admit::http {
namespace {

namespace json = boost::json;

// Reads `{items, attendees?, promo_code?}` into a request.
Status read_registration_body(const json::value& body, RegistrationRequest& out) {
  FieldErrors errors;
  JsonObjectReader r(body, errors);
  read_order_items(r, errors, out.items);
  if (const json::array* attendees = r.array("attendees")) {
    for (std::size_t i = 0; i < attendees->size(); ++i) {
      JsonObjectReader a((*attendees)[i], errors, "attendees[" + std::to_string(i) + "]");
      Attendee at;
      at.name = a.string("name", Need::required, 1000).value_or("");
      at.email = a.string("email", Need::required, 1000).value_or("");
      a.finish();
      out.attendees.push_back(std::move(at));
    }
  }
  out.promo_code = r.string("promo_code", Need::optional, 200);
  if (out.promo_code && out.promo_code->empty()) out.promo_code.reset();
  r.finish();
  if (!errors.empty()) return std::move(errors).to_error();
  return validate_request_shape(out);
}

void register_for_event(RegistrationEngine& engine, RegistrationService& service, Request& req,
                        const Respond& respond) {
  // Counted first, in memory: one account or address cannot take a sale for itself.
  if (auto ok = service.count_registration(req.principal->user_id, client_of(req).ip); !ok) {
    respond(problem(req, ok.error()));
    return;
  }
  auto key = req.header("idempotency-key");
  if (!key || !is_valid_idempotency_key(*key)) {
    respond(problem(req, Error::field("Idempotency-Key",
                                      key ? "must be 1 to 200 printable ASCII characters"
                                          : "header is required (a unique value per registration attempt, e.g. a UUID)")));
    return;
  }
  auto body = json_body(req);
  if (!body) {
    respond(problem(req, body.error()));
    return;
  }
  RegistrationRequest r;
  r.event_id = req.param("id");
  r.user_id = req.principal->user_id;
  r.user_name = req.principal->name;
  r.user_email = req.principal->email;
  r.idempotency_key = std::string(*key);
  if (auto ok = read_registration_body(*body, r); !ok) {
    respond(problem(req, ok.error()));
    return;
  }
  auto submit = [&engine, respond, request_id = req.request_id](RegistrationRequest r) {
    // Called on the engine's writer thread, which answers a whole batch: the JSON is built
    // later, on the network thread that sends it.
    engine.submit(std::move(r), [respond, request_id](Result<RegistrationOutcome> out) {
      if (!out) {
        respond(Response::problem(out.error(), request_id));
        return;
      }
      respond(Response::deferred([out = std::move(out)] {
        return Response::json(out->created ? 201 : 200, registration_json(out->registration));
      }));
    });
  };
  if (!r.promo_code) {
    submit(std::move(r));
    return;
  }
  // An unknown code answers 422 and a valid one a registration, so a registration carrying
  // a code counts against the same guessing budget as a look-up. The count may be a
  // database write (PostgreSQL's shared limiter) and this handler may be on a network
  // thread (a nonblocking route), so it runs on the engine's lookup pool when there is one.
  auto count_then_submit = [&service, submit, respond, request_id = req.request_id,
                            who = PromoAttempt{client_of(req).ip, r.user_id}, r]() mutable {
    if (auto ok = service.count_promo_attempt(who); !ok) {
      respond(Response::problem(ok.error(), request_id));
      return;
    }
    submit(std::move(r));
  };
  if (!run_or_post(engine.lookup_pool(), std::move(count_then_submit)))
    respond(problem(req, Error::unavailable(1, "The server is busy; try again in a moment.")));
}

std::optional<HistoryScope> parse_scope(const std::optional<std::string>& s) {
  if (!s || s->empty() || *s == "all") return HistoryScope::all;
  if (*s == "upcoming") return HistoryScope::upcoming;
  if (*s == "past") return HistoryScope::past;
  return std::nullopt;
}

std::string csv_line(std::initializer_list<std::string_view> cells) {
  std::string line;
  bool first = true;
  for (auto c : cells) {
    if (!first) line += ',';
    first = false;
    line += csv_cell(c);
  }
  line += "\r\n";
  return line;
}

Response registrations_csv(RegistrationService& service, const Actor& actor, const Request& req,
                           RegistrationQuery query) {
  auto event = service.managed_event(actor, query.event_id);
  if (!event) return problem(req, event.error());
  std::map<std::string, std::string> type_names;
  for (const auto& t : event->ticket_types) type_names[t.id] = t.name;
  std::string out = csv_line({"registration_id", "registration_status", "registered_at", "buyer_name",
                              "buyer_email", "ticket_id", "ticket_type", "attendee_name",
                              "attendee_email", "ticket_status", "checked_in_at", "total", "currency"});
  const std::string event_id = query.event_id;
  auto done = service.for_each_for_event(actor, std::move(query), [&](const Registration& r) {
    const std::string total = std::to_string(r.total);
    const std::string created = format_rfc3339(r.created_at);
    for (const auto& t : r.tickets) {
      const std::string checked = t.checked_in_at ? format_rfc3339(*t.checked_in_at) : "";
      out += csv_line({r.id, to_string(r.status), created, r.buyer_name, r.buyer_email, t.id,
                       type_names[t.ticket_type_id], t.attendee_name, t.attendee_email,
                       to_string(t.status), checked, total, r.currency});
    }
  });
  if (!done) return problem(req, done.error());
  Response res = Response::text(200, std::move(out), "text/csv; charset=utf-8");
  res.header("Content-Disposition", "attachment; filename=\"registrations-" + event_id + ".csv\"");
  res.header("Cache-Control", "no-store");
  return res;
}

Response list_event_registrations(RegistrationService& service, Request& req) {
  const Actor actor = caller_of(req);
  FieldErrors errors;
  RegistrationQuery q;
  q.event_id = req.param("id");
  q.q = req.query("q");
  if (q.q && q.q->empty()) q.q.reset();
  if (auto s = req.query("status"); s && !s->empty()) {
    q.status = parse_registration_status(*s);
    if (!q.status)
      errors.add("status", "must be confirmed, pending_payment, cancelled, expired or refunded");
  }
  q.cursor = req.query("cursor");
  if (q.cursor && q.cursor->empty()) q.cursor.reset();
  q.limit = static_cast<int>(query_int(req, "limit", 1, 200, errors).value_or(50));
  auto format = req.query("format");
  if (format && !format->empty() && *format != "json" && *format != "csv")
    errors.add("format", "must be json or csv");
  if (!errors.empty()) return problem(req, std::move(errors).to_error());
  if (format && *format == "csv") return registrations_csv(service, actor, req, std::move(q));
  auto page = service.list_for_event(actor, std::move(q));
  if (!page) return problem(req, page.error());
  json::array items;
  for (const auto& r : page->items) {
    json::object o = registration_json(r);
    o["buyer"] = json::object{{"name", r.buyer_name}, {"email", r.buyer_email}};
    items.push_back(std::move(o));
  }
  json::object body{{"items", std::move(items)}};
  body["next_cursor"] = page->next_cursor ? json::value(*page->next_cursor) : json::value(nullptr);
  return Response::json(200, body);
}

Result<PromoCodeInput> read_promo_body(const json::value& body) {
  FieldErrors errors;
  JsonObjectReader r(body, errors);
  PromoCodeInput in;
  in.code = r.string("code", Need::required, 200).value_or("");
  in.kind = r.string("kind", Need::required, 20).value_or("");
  in.amount = r.integer("amount", Need::required).value_or(0);
  in.ticket_type_id = r.string("ticket_type_id", Need::optional, 100);
  in.unlocks_hidden = r.boolean("unlocks_hidden").value_or(false);
  in.max_uses = r.integer("max_uses");
  in.valid_from = r.time("valid_from");
  in.valid_until = r.time("valid_until");
  r.finish();
  if (!errors.empty()) return std::move(errors).to_error();
  return in;
}

Result<WaitlistInput> read_waitlist_body(const Request& req) {
  WaitlistInput in;
  if (req.body.empty()) return in;
  auto body = json_body(req);
  if (!body) return body.error();
  FieldErrors errors;
  JsonObjectReader r(*body, errors);
  in.ticket_type_id = r.string("ticket_type_id", Need::optional, 100);
  in.quantity = r.integer("quantity").value_or(1);
  r.finish();
  if (!errors.empty()) return std::move(errors).to_error();
  return in;
}

}  // namespace

std::string csv_cell(std::string_view value) {
  std::string out = "\"";
  if (!value.empty()) {
    const char c = value.front();
    if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') out += '\'';
  }
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

namespace {

// Promo codes (the organizer's) and the waiting list (the attendee's own entry).
void add_promo_and_waitlist_routes(Router& router, RegistrationService& service) {
  router.get("/api/v1/events/{id}/promo-codes", sync([&service](Request& req) {
               const Actor actor = caller_of(req);
               auto list = service.list_promos(actor, req.param("id"));
               if (!list) return problem(req, list.error());
               json::array items;
               for (const auto& p : *list) items.push_back(promo_json(p));
               return Response::json(200, json::object{{"items", std::move(items)}});
             }));

  router.post("/api/v1/events/{id}/promo-codes", sync([&service](Request& req) {
                const Actor actor = caller_of(req);
                auto body = json_body(req);
                if (!body) return problem(req, body.error());
                auto input = read_promo_body(*body);
                if (!input) return problem(req, input.error());
                return respond_with(req, service.create_promo(actor, req.param("id"), *input), 201,
                                    promo_json);
              }));

  router.post("/api/v1/events/{id}/waitlist", sync([&service](Request& req) {
                const Actor actor = caller_of(req);
                auto input = read_waitlist_body(req);
                if (!input) return problem(req, input.error());
                return respond_with(req, service.join_waitlist(actor, req.param("id"), *input), 201,
                                    waitlist_json);
              }));

  router.get("/api/v1/events/{id}/waitlist", sync([&service](Request& req) {
               const Actor actor = caller_of(req);
               return respond_with(req, service.get_waitlist(actor, req.param("id")), 200,
                                   waitlist_json);
             }));

  router.del("/api/v1/events/{id}/waitlist", sync([&service](Request& req) {
               const Actor actor = caller_of(req);
               auto done = service.leave_waitlist(actor, req.param("id"));
               if (!done) return problem(req, done.error());
               return Response::no_content();
             }));
}

}  // namespace

void add_registration_routes(Router& router, RegistrationEngine& engine, RegistrationService& service) {
  // Nonblocking: the handler validates and queues; the engine answers from its writer, and
  // what needs the database first (a promo-code attempt count) goes to the lookup pool.
  RouteOptions hot;  // signed in (the default Allow), no door tokens
  hot.nonblocking = true;
  router.post(
      "/api/v1/events/{id}/registrations",
      [&engine, &service](Request& req, Respond respond) {
        register_for_event(engine, service, req, respond);
      },
      hot);

  router.get("/api/v1/me/registrations", sync([&service](Request& req) {
               const Actor actor = caller_of(req);
               auto scope = parse_scope(req.query("scope"));
               if (!scope) return problem(req, Error::field("scope", "must be upcoming, past or all"));
               auto list = service.list_mine(actor, *scope);
               if (!list) return problem(req, list.error());
               json::array items;
               for (const auto& r : *list) items.push_back(registration_json(r));
               return Response::json(200, json::object{{"items", std::move(items)}});
             }));

  router.get("/api/v1/registrations/{id}", sync([&service](Request& req) {
               const Actor actor = caller_of(req);
               return respond_with(req, service.get(actor, req.param("id")), 200,
                                   [](const Registration& r) { return registration_json(r); });
             }));

  router.post("/api/v1/registrations/{id}/cancel", sync([&service](Request& req) {
                const Actor actor = caller_of(req);
                return respond_with(req, service.cancel(actor, req.param("id")), 200,
                                    [](const Registration& r) { return registration_json(r); });
              }));

  router.get("/api/v1/events/{id}/registrations",
             sync([&service](Request& req) { return list_event_registrations(service, req); }));

  router.get("/api/v1/events/{id}/stats", sync([&service](Request& req) {
               const Actor actor = caller_of(req);
               return respond_with(req, service.stats(actor, req.param("id")), 200, stats_json);
             }));

  add_promo_and_waitlist_routes(router, service);
}

}  // namespace admit::http
