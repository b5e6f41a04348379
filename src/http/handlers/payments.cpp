#include "http/handlers/payments.hpp"

#include "common/time.hpp"
#include "http/handlers/support.hpp"
#include "http/handlers/views.hpp"

namespace admit::http {
namespace {

namespace json = boost::json;

json::object payment_json(const Payment& p) {
  json::object o;
  o["registration_id"] = p.registration_id;
  o["provider"] = p.provider;
  o["status"] = p.status;
  o["amount_paid"] = p.amount_paid;
  o["amount_refunded"] = p.amount_refunded;
  o["refund_pending"] = std::max<std::int64_t>(0, p.refund_requested - p.amount_refunded);
  o["currency"] = p.currency;
  o["flag"] = p.flag ? json::value(*p.flag) : json::value(nullptr);
  o["refund_reason"] = p.refund_reason ? json::value(*p.refund_reason) : json::value(nullptr);
  o["refund_error"] = p.refund_error ? json::value(*p.refund_error) : json::value(nullptr);
  o["session_expires_at"] =
      p.session_expires_at ? json::value(format_rfc3339(*p.session_expires_at)) : json::value(nullptr);
  o["updated_at"] = format_rfc3339(p.updated_at);
  return o;
}

Result<RefundInput> read_refund(const Request& req) {
  auto body = json_body(req);
  if (!body) return std::move(body).error();
  FieldErrors errors;
  JsonObjectReader r(*body, errors);
  RefundInput in;
  in.amount = r.integer("amount");
  in.reason = r.string("reason", Need::required, 500).value_or("");
  r.finish();
  if (!errors.empty()) return std::move(errors).to_error();
  return in;
}

Response webhook(PaymentService& payments, Request& req) {
  auto signature = req.header("stripe-signature");
  auto outcome = payments.webhook(req.body, signature.value_or(std::string_view{}));
  if (!outcome) return problem(req, outcome.error());
  json::object o;
  o["received"] = true;
  o["outcome"] = std::string(to_string(*outcome));
  return Response::json(200, o);
}

}  // namespace

void add_payment_routes(Router& router, PaymentService& payments) {
  router.post("/api/v1/payments/stripe/webhook",
              sync([&payments](Request& req) { return webhook(payments, req); }),
              {.allow = kPublic, .body_limit = 256 * 1024, .csrf_exempt = true});

  router.get("/api/v1/registrations/{id}/checkout", sync([&payments](Request& req) {
               auto url = payments.checkout(caller_of(req), req.param("id"));
               if (!url) return problem(req, url.error());
               Response res = Response::redirect(303, *url);
               res.header("Cache-Control", "no-store");
               return res;
             }));
  router.post("/api/v1/registrations/{id}/checkout", sync([&payments](Request& req) {
                auto url = payments.checkout(caller_of(req), req.param("id"));
                return respond_with(req, std::move(url), 200, [](const std::string& u) {
                  return json::object{{"checkout_url", u}};
                });
              }));
  router.get("/api/v1/registrations/{id}/payment", sync([&payments](Request& req) {
               return respond_with(req, payments.payment(caller_of(req), req.param("id")), 200, payment_json);
             }));
  router.post("/api/v1/registrations/{id}/refund", sync([&payments](Request& req) {
                auto in = read_refund(req);
                if (!in) return problem(req, in.error());
                return respond_with(req, payments.refund(caller_of(req), req.param("id"), *in), 200,
                                    [](const Registration& r) { return registration_json(r); });
              }));
  router.post("/api/v1/registrations/{id}/mark-paid", sync([&payments](Request& req) {
                return respond_with(req, payments.mark_paid(caller_of(req), req.param("id")), 200,
                                    [](const Registration& r) { return registration_json(r); });
              }));
}

}  // namespace admit::http
