#include "http/handlers/tickets.hpp"

#include "http/handlers/offload.hpp"
#include "http/handlers/support.hpp"

namespace admit::http {
namespace {

// Every refused link gets this answer, whatever was wrong: nothing to learn from it.
Response link_refused(const std::string& request_id) {
  return Response::problem(Error::forbidden("This download link is not valid (it may have expired)."),
                           request_id);
}

void ticket_pdf(TicketService& tickets, WorkPool& pool, Request& req, const Respond& respond) {
  offload(pool, req, respond,
          [&tickets, actor = caller_of(req), ticket_id = req.param("id"), request_id = req.request_id] {
            auto link = tickets.pdf_link(actor, ticket_id);
            if (!link) return Response::problem(link.error(), request_id);
            Response res = Response::redirect(303, *link);
            res.header("Cache-Control", "no-store");
            return res;
          });
}

void download(TicketService& tickets, WorkPool& pool, Request& req, const Respond& respond) {
  const std::string& file = req.param("file");
  auto actor = actor_of(req);
  auto expires = req.query("expires");
  auto signature = req.query("signature");
  constexpr std::string_view kSuffix = ".pdf";
  if (!actor || !expires || !signature || file.size() <= kSuffix.size() ||
      file.compare(file.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) {
    respond(link_refused(req.request_id));
    return;
  }
  offload(pool, req, respond,
          [&tickets, actor = *actor, registration_id = file.substr(0, file.size() - kSuffix.size()),
           expires = *expires, signature = *signature, request_id = req.request_id] {
            auto pdf = tickets.pdf_for_link(actor, registration_id, expires, signature);
            if (!pdf) {
              if (pdf.error().code == ErrorCode::forbidden) return link_refused(request_id);
              return Response::problem(pdf.error(), request_id);
            }
            Response res = Response::text(200, std::move(pdf->bytes), "application/pdf");
            res.header("Content-Disposition", "attachment; filename=\"" + pdf->filename + "\"");
            res.header("Cache-Control", "private, no-store");
            return res;
          });
}

}  // namespace

void add_ticket_routes(Router& router, TicketService& tickets, WorkPool& pdf_pool) {
  router.get("/api/v1/tickets/{id}/pdf", [&tickets, &pdf_pool](Request& req, Respond respond) {
    ticket_pdf(tickets, pdf_pool, req, respond);
  });
  router.get("/api/v1/registrations/{id}/calendar.ics", sync([&tickets](Request& req) {
               auto ics = tickets.calendar(caller_of(req), req.param("id"));
               if (!ics) return problem(req, ics.error());
               Response res = Response::text(200, std::move(*ics), "text/calendar; charset=utf-8; method=PUBLISH");
               res.header("Content-Disposition", "attachment; filename=\"event.ics\"");
               res.header("Cache-Control", "private, no-store");
               return res;
             }));
  // Open at the dispatcher: the handler refuses every bad link, a missing caller included,
  // with the same 403, so a refused link teaches nothing (door tokens are still refused).
  router.get("/api/v1/files/tickets/{file}", [&tickets, &pdf_pool](Request& req, Respond respond) {
    download(tickets, pdf_pool, req, respond);
  }, RouteOptions{.allow = kPublic});
}

}  // namespace admit::http
