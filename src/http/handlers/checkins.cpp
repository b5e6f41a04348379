#include "http/handlers/checkins.hpp"

#include <boost/json/array.hpp>

#include "http/handlers/support.hpp"

namespace admit::http {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxQr = 1000;
constexpr std::size_t kMaxLabel = 100;  // gate and device names
constexpr std::size_t kMaxSync = 1000;  // scans per sync

// Door staff scan many times a second; the scan routes take door tokens of the event.
const RouteOptions kDoor{.allow = Allow{.door_token = true}};

json::value time_or_null(const std::optional<Timestamp>& t) {
  return t ? json::value(format_rfc3339(*t)) : json::value(nullptr);
}

json::object outcome_json(const ScanOutcome& o) {
  json::object out{{"result", to_string(o.result)}, {"checked_in_at", time_or_null(o.checked_in_at)}};
  if (o.ticket) {
    out["ticket"] = {{"id", o.ticket->id},
                     {"attendee_name", o.ticket->attendee_name},
                     {"ticket_type_id", o.ticket->ticket_type_id},
                     {"ticket_type", o.ticket->ticket_type},
                     {"status", o.ticket->status}};
  } else {
    out["ticket"] = nullptr;
  }
  out["gate"] = o.checked_in_at ? json::value(o.gate) : json::value(nullptr);
  return out;
}

json::object bundle_json(const CheckinBundle& b) {
  json::array keys;
  for (const auto& k : b.keys) keys.push_back({{"id", k.id}, {"public_key", k.public_key}});
  json::array tickets;
  for (const auto& t : b.tickets)
    tickets.push_back({{"id", t.id},
                       {"status", t.status},
                       {"attendee_name", t.attendee_name},
                       {"ticket_type", t.ticket_type},
                       {"checked_in_at", time_or_null(t.checked_in_at)}});
  json::array revoked;
  for (const auto& id : b.revoked) revoked.push_back(json::value(id));
  return {{"version", std::to_string(b.version)},
          {"partial", b.partial},
          {"keys", std::move(keys)},
          {"tickets", std::move(tickets)},
          {"revoked", std::move(revoked)},
          {"sold", b.sold},
          {"checked_in", b.checked_in},
          {"can_undo", b.can_undo}};
}

json::object log_json(const CheckinLogPage& page) {
  json::array items;
  for (const auto& e : page.items)
    items.push_back({{"id", e.id},
                     {"ticket_id", e.ticket_id ? json::value(*e.ticket_id) : json::value(nullptr)},
                     {"attendee_name", e.attendee_name ? json::value(*e.attendee_name) : json::value(nullptr)},
                     {"result", to_string(e.result)},
                     {"gate", e.gate},
                     {"device", e.device},
                     {"offline", e.offline},
                     {"scanned_at", format_rfc3339(e.scanned_at)},
                     {"recorded_at", format_rfc3339(e.recorded_at)}});
  return {{"items", std::move(items)},
          {"next_cursor", page.next_cursor ? json::value(*page.next_cursor) : json::value(nullptr)}};
}

void scan(CheckinService& checkins, Request& req, const Respond& respond) {
  auto body = json_body(req);
  if (!body) {
    respond(problem(req, body.error()));
    return;
  }
  FieldErrors errors;
  JsonObjectReader r(*body, errors);
  ScanRequest s;
  s.qr = r.string("qr", Need::required, kMaxQr).value_or("");
  s.gate = r.string("gate", Need::optional, kMaxLabel).value_or("");
  s.device = r.string("device", Need::optional, kMaxLabel).value_or("");
  r.finish();
  if (!errors.empty()) {
    respond(problem(req, std::move(errors).to_error()));
    return;
  }
  checkins.scan(caller_of(req), req.param("id"), std::move(s),
                [respond, request_id = req.request_id](Result<ScanOutcome> out) {
                  if (!out) {
                    respond(Response::problem(out.error(), request_id));
                    return;
                  }
                  respond(Response::deferred([out = std::move(*out)] { return Response::json(200, outcome_json(out)); }));
                });
}

Result<std::vector<OfflineScan>> read_sync_body(const json::value& body) {
  FieldErrors errors;
  JsonObjectReader r(body, errors);
  std::vector<OfflineScan> scans;
  if (const json::array* items = r.array("scans", Need::required)) {
    if (items->size() > kMaxSync)
      errors.add("scans", "must hold at most " + std::to_string(kMaxSync) + " scans (sync in parts)");
    for (std::size_t i = 0; i < items->size() && i < kMaxSync; ++i) {
      JsonObjectReader item((*items)[i], errors, "scans[" + std::to_string(i) + "]");
      OfflineScan s;
      s.qr = item.string("qr", Need::required, kMaxQr).value_or("");
      s.scanned_at = item.time("scanned_at", Need::required).value_or(Timestamp{});
      s.gate = item.string("gate", Need::optional, kMaxLabel).value_or("");
      s.device = item.string("device", Need::optional, kMaxLabel).value_or("");
      item.finish();
      scans.push_back(std::move(s));
    }
  }
  r.finish();
  if (!errors.empty()) return std::move(errors).to_error();
  return scans;
}

Response sync_scans(CheckinService& checkins, Request& req) {
  auto body = json_body(req);
  if (!body) return problem(req, body.error());
  auto scans = read_sync_body(*body);
  if (!scans) return problem(req, scans.error());
  auto out = checkins.sync(caller_of(req), req.param("id"), *scans);
  if (!out) return problem(req, out.error());
  json::array results;
  for (const auto& s : *out) {
    json::object o = outcome_json(s.outcome);
    o["qr"] = s.qr;
    results.push_back(std::move(o));
  }
  return Response::json(200, json::object{{"results", std::move(results)}});
}

Response bundle(CheckinService& checkins, Request& req) {
  std::optional<std::int64_t> since;
  if (auto v = req.query("since"); v && !v->empty()) {
    FieldErrors errors;
    since = query_int(req, "since", 0, std::numeric_limits<std::int64_t>::max() / 2, errors);
    if (!errors.empty()) return problem(req, std::move(errors).to_error());
  }
  auto b = checkins.bundle(caller_of(req), req.param("id"), since);
  if (!b) return problem(req, b.error());
  json::object out = bundle_json(*b);
  // The scanner's heading: door tokens cannot read the event itself.
  if (auto h = checkins.heading(req.param("id")))
    out["event"] = {{"title", h->title},
                    {"starts_at", format_rfc3339(h->starts_at)},
                    {"timezone", h->timezone}};
  Response res = Response::json(200, std::move(out));
  res.header("Cache-Control", "no-store");
  return res;
}

Response undo(CheckinService& checkins, Request& req) {
  std::string gate;
  if (!req.body.empty()) {
    auto body = json_body(req);
    if (!body) return problem(req, body.error());
    FieldErrors errors;
    JsonObjectReader r(*body, errors);
    gate = r.string("gate", Need::optional, kMaxLabel).value_or("");
    r.finish();
    if (!errors.empty()) return problem(req, std::move(errors).to_error());
  }
  auto out = checkins.undo(caller_of(req), req.param("id"), req.param("ticket"), gate);
  if (!out) return problem(req, out.error());
  return Response::json(200, outcome_json(*out));
}

Response scan_log(CheckinService& checkins, Request& req) {
  FieldErrors errors;
  auto limit = query_int(req, "limit", 1, 500, errors);
  if (!errors.empty()) return problem(req, std::move(errors).to_error());
  auto cursor = req.query("cursor");
  auto page = checkins.log(caller_of(req), req.param("id"), static_cast<int>(limit.value_or(100)),
                           cursor && !cursor->empty() ? std::optional<std::string>(std::string(*cursor))
                                                      : std::nullopt);
  if (!page) return problem(req, page.error());
  return Response::json(200, log_json(*page));
}

}  // namespace

void add_checkin_routes(Router& router, CheckinService& checkins) {
  router.post("/api/v1/events/{id}/checkins",
              [&checkins](Request& req, Respond respond) { scan(checkins, req, respond); }, kDoor);
  router.post("/api/v1/events/{id}/checkins/sync",
              sync([&checkins](Request& req) { return sync_scans(checkins, req); }), kDoor);
  router.get("/api/v1/events/{id}/checkin-bundle",
             sync([&checkins](Request& req) { return bundle(checkins, req); }), kDoor);
  // Organizers only (the dispatcher refuses door tokens here).
  router.get("/api/v1/events/{id}/checkins",
             sync([&checkins](Request& req) { return scan_log(checkins, req); }));
  // Organizers, and the event's door tokens when the organizer allows it (the service
  // reads Event::door_staff_can_undo and refuses them with 403 otherwise).
  router.post("/api/v1/events/{id}/checkins/{ticket}/undo",
              sync([&checkins](Request& req) { return undo(checkins, req); }), kDoor);
}

}  // namespace admit::http
