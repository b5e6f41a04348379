#include "http/handlers/event_reads.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "common/log.hpp"
#include "domain/services/text.hpp"
#include "http/handlers/offload.hpp"
#include "http/handlers/support.hpp"
#include "http/handlers/views.hpp"

namespace admit::http {
namespace {

namespace json = boost::json;

constexpr std::string_view kPrivate = "private, no-cache";

// The list's query, checked as CatalogService::list_public checks it.
Result<EventQuery> read_list_query(const Request& req) {
  FieldErrors errors;
  EventQuery q;
  // (Checked in locals: GCC 12 at -O3 sees a maybe-uninitialized string in an optional
  // member tested right after assignment.)
  if (std::optional<std::string> category = req.query("category"); category && !category->empty()) {
    if (!is_category(*category))
      errors.add("category", "must be one of the categories from GET /api/v1/categories");
    q.category = std::move(*category);
  }
  if (std::optional<std::string> text = req.query("q"); text && !text->empty()) {
    if (utf8_length(*text) > 200) errors.add("q", "must be at most 200 characters");
    q.q = std::move(*text);
  }
  if (std::optional<std::string> cursor = req.query("cursor"); cursor && !cursor->empty())
    q.cursor = std::move(*cursor);
  for (auto [name, target] : {std::pair{"from", &q.from}, std::pair{"to", &q.to}}) {
    if (auto raw = req.query(name); raw && !raw->empty()) {
      *target = parse_date_or_time(*raw);
      if (!*target) errors.add(name, "must be a date (2026-05-01) or an RFC 3339 time");
    }
  }
  // A plain `to` date includes that whole day.
  if (auto raw = req.query("to"); raw && raw->size() == 10 && q.to) *q.to += std::chrono::days(1);
  q.limit = static_cast<int>(query_int(req, "limit", 1, 100, errors).value_or(20));
  if (q.from && q.to && *q.to <= *q.from) errors.add("to", "must be after from");
  if (!errors.empty()) return std::move(errors).to_error();
  return q;
}

bool manages(const std::optional<Actor>& actor, const Event& e) {
  return actor && (e.organizer_id == actor->user_id || actor->is_admin());
}

Response private_json(const json::value& body) {
  Response r = Response::json(200, body);
  r.header("Cache-Control", std::string(kPrivate));
  return r;
}

// The store's answer (work pool): drafts for their organizer, promo codes, events memory
// does not hold yet (kept for the next read when public).
Response read_from_store(const PublicReads& reads, Request& req) {
  auto actor = actor_of(req);
  auto event = reads.catalog.get(actor, req.param("id"));
  if (!event) return problem(req, event.error());
  reads.snapshots.remember(*event);
  const bool manager = manages(actor, *event);
  std::optional<PromoCode> promo;
  if (auto code = req.query("promo_code"); code && !code->empty() && reads.resolve_promo) {
    PromoAttempt who{client_of(req).ip, actor ? std::optional(actor->user_id) : std::nullopt};
    auto found = reads.resolve_promo(*event, *code, who);
    if (!found) return problem(req, found.error());
    promo = std::move(*found);
  }
  if (!manager && !promo && event->status != EventStatus::draft)
    if (auto rep = reads.snapshots.rendered(event->id)) return answer(req, *rep, kEventDataCache);
  return private_json(event_json(*event, manager, promo ? &*promo : nullptr));
}

// The answer from memory, when it has one (no promo code, the event held).
std::optional<Response> event_from_memory(const PublicReads& reads, Request& req) {
  const auto code = req.query("promo_code");
  if (code && !code->empty() && reads.resolve_promo) return std::nullopt;
  auto event = reads.snapshots.find(req.param("id"));
  if (!event) return std::nullopt;
  if (manages(actor_of(req), *event)) return private_json(event_json(*event, true));
  if (auto rep = reads.snapshots.rendered(event->id)) return answer(req, *rep, kEventDataCache);
  return std::nullopt;
}

void get_event(const PublicReads& reads, Request& req, const Respond& respond) {
  if (auto now = event_from_memory(reads, req)) {
    respond(std::move(*now));
    return;
  }
  if (!reads.pool || reads.pool->on_pool_thread()) {
    respond(read_from_store(reads, req));
    return;
  }
  // Off the network thread; the request is copied (its payload is freed on return).
  auto copy = std::make_shared<Request>(req);
  bool posted = reads.pool->try_post([&reads, copy, respond] {
    try {
      respond(read_from_store(reads, *copy));
    } catch (const std::exception& e) {
      log::error("request failed", {{"request_id", copy->request_id}, {"error", e.what()}});
      respond(Response::problem(Error::internal(), copy->request_id));
    }
  });
  if (!posted)
    respond(Response::problem(Error::unavailable(1, "The server is busy; try again in a moment."),
                              req.request_id));
}

std::shared_ptr<const Representation> categories_representation() {
  json::array items;
  for (const auto& c : categories()) items.push_back({{"id", c.id}, {"label", c.label}});
  return make_representation(json::serialize(json::object{{"items", std::move(items)}}),
                             "application/json", true);
}

}  // namespace

void add_public_read_routes(Router& router, PublicReads reads) {
  auto shared = std::make_shared<const PublicReads>(std::move(reads));
  // Every answer of these two is made from memory, at once.
  auto always_now = [](SyncHandler fn) {
    RouteOptions o;
    o.allow = kPublic;
    o.nonblocking = true;
    o.answer_now = [fn](Request& req) -> std::optional<Response> { return fn(req); };
    return std::pair{sync(fn), o};
  };

  auto [categories_handler, categories_options] =
      always_now([rep = categories_representation()](Request& req) {
        return answer(req, *rep, "public, max-age=300");
      });
  router.get("/api/v1/categories", categories_handler, categories_options);

  auto [list_handler, list_options] = always_now([shared](Request& req) {
    auto query = read_list_query(req);
    if (!query) return problem(req, query.error());
    auto page = shared->snapshots.list(*query, req.query_string);
    if (!page) return problem(req, page.error());
    return answer(req, **page, kEventDataCache);
  });
  router.get("/api/v1/events", list_handler, list_options);

  RouteOptions event_options;
  event_options.allow = kPublic;  // drafts still only for their organizer (the catalogue decides)
  event_options.nonblocking = true;
  event_options.answer_now = [shared](Request& req) { return event_from_memory(*shared, req); };
  router.get("/api/v1/events/{id}",
             [shared](Request& req, Respond respond) { get_event(*shared, req, respond); },
             event_options);
}

}  // namespace admit::http
