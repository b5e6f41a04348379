#include "http/handlers/events.hpp"

#include <boost/json/array.hpp>

#include "http/handlers/offload.hpp"
#include "http/handlers/support.hpp"
#include "http/handlers/views.hpp"

namespace admit::http {
namespace {

namespace json = boost::json;

// Fields the server keeps (an event's status changes through publish and cancel, counts
// through registrations): sending one is a 422 naming it, rather than silently ignored.
void refuse_read_only(JsonObjectReader& r, FieldErrors& errors,
                      std::initializer_list<std::string_view> keys) {
  for (auto key : keys) {
    if (!r.has(key)) continue;
    errors.add(r.path_of(key), "is read-only and cannot be set here");
    r.ignore(key);
  }
}

// Reads the event fields of a create (all required ones) or PATCH (any subset) body.
Result<EventInput> read_event_input(const json::value& body, bool create) {
  FieldErrors errors;
  JsonObjectReader r(body, errors);
  Need need = create ? Need::required : Need::optional;
  EventInput in;
  in.title = r.string("title", need, 2000);
  in.description = r.string("description", Need::optional, 200000);
  in.category = r.string("category", need, 100);
  in.venue = r.string("venue", need, 2000);
  in.timezone = r.string("timezone", need, 100);
  in.currency = r.string("currency", need, 10);
  in.starts_at = r.time("starts_at", need);
  in.ends_at = r.time("ends_at", need);
  in.capacity = r.integer("capacity", need);
  in.max_per_user = r.integer("max_per_user");
  in.clear_max_per_user = r.is_null("max_per_user");
  in.hold_minutes = r.integer("hold_minutes");
  in.pay_at_door = r.boolean("pay_at_door");
  in.waitlist_offer_minutes = r.integer("waitlist_offer_minutes");
  in.cancel_cutoff_hours = r.integer("cancel_cutoff_hours");
  in.clear_cancel_cutoff_hours = r.is_null("cancel_cutoff_hours");
  in.door_staff_can_undo = r.boolean("door_staff_can_undo");
  refuse_read_only(r, errors, {"id", "status", "organizer_id", "sold", "remaining", "created_at",
                               "updated_at", "published_at"});
  if (const json::array* types = r.array("ticket_types", need)) {
    std::vector<TicketTypeInput> list;
    for (std::size_t i = 0; i < types->size(); ++i) {
      JsonObjectReader t((*types)[i], errors, "ticket_types[" + std::to_string(i) + "]");
      TicketTypeInput ti;
      ti.id = t.string("id", Need::optional, 100);
      ti.name = t.string("name", Need::required, 1000).value_or("");
      ti.description = t.string("description", Need::optional, 20000).value_or("");
      ti.price = t.integer("price", Need::required).value_or(0);
      ti.capacity = t.integer("capacity", Need::required).value_or(0);
      ti.sales_start = t.time("sales_start");
      ti.sales_end = t.time("sales_end");
      ti.max_per_order = t.integer("max_per_order");
      ti.hidden = t.boolean("hidden").value_or(false);
      refuse_read_only(t, errors, {"sold", "remaining", "event_id"});
      t.finish();
      list.push_back(std::move(ti));
    }
    in.ticket_types = std::move(list);
  }
  r.finish();
  if (!errors.empty()) return std::move(errors).to_error();
  return in;
}

}  // namespace

void add_event_routes(Router& router, CatalogService& catalog) {
  router.post("/api/v1/events", sync([&catalog](Request& req) {
                const Actor actor = caller_of(req);
                auto body = json_body(req);
                if (!body) return problem(req, body.error());
                auto input = read_event_input(*body, true);
                if (!input) return problem(req, input.error());
                return respond_with(req, catalog.create(actor, *input), 201,
                                    [](const Event& e) { return event_json(e, true); });
              }));

  router.patch("/api/v1/events/{id}", sync([&catalog](Request& req) {
                 const Actor actor = caller_of(req);
                 auto body = json_body(req);
                 if (!body) return problem(req, body.error());
                 auto input = read_event_input(*body, false);
                 if (!input) return problem(req, input.error());
                 return respond_with(req, catalog.update(actor, req.param("id"), *input), 200,
                                     [](const Event& e) { return event_json(e, true); });
               }));

  router.post("/api/v1/events/{id}/publish", sync([&catalog](Request& req) {
                const Actor actor = caller_of(req);
                return respond_with(req, catalog.publish(actor, req.param("id")), 200,
                                    [](const Event& e) { return event_json(e, true); });
              }));

  router.post("/api/v1/events/{id}/cancel", sync([&catalog](Request& req) {
                const Actor actor = caller_of(req);
                return respond_with(req, catalog.cancel(actor, req.param("id")), 200,
                                    [](const Event& e) { return event_json(e, true); });
              }));

  router.get("/api/v1/organizer/events", sync([&catalog](Request& req) {
               const Actor actor = caller_of(req);
               auto events = catalog.list_own(actor);
               if (!events) return problem(req, events.error());
               json::array items;
               for (const auto& e : *events) items.push_back(event_json(e, true));
               return Response::json(200, json::object{{"items", std::move(items)}});
             }));
}

}  // namespace admit::http
