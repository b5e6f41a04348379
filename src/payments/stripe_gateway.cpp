#include "payments/stripe_gateway.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <mutex>
#include <thread>

#include "common/log.hpp"
#include "payments/stripe_signature.hpp"

namespace admit::payments {
namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::size_t collect(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

std::string escape(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// Reads a string / integer member, "" / 0 when absent or of another type.
std::string str(const boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}
std::int64_t num(const boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : 0;
}
std::string meta(const boost::json::object& o, std::string_view key) {
  auto* m = o.if_contains("metadata");
  return m && m->is_object() ? str(m->as_object(), key) : std::string();
}
// A member that is an id or an expanded object with an id.
std::string ref(const boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (v && v->is_string()) return std::string(v->as_string());
  if (v && v->is_object()) return str(v->as_object(), "id");
  return {};
}

Result<boost::json::object> parse_object(std::string_view body, std::string_view what) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return Error::bad_request(std::string(what) + " is not a JSON object");
  return std::move(v.as_object());
}

Error stripe_error(long status, const std::string& body) {
  std::string message = "payment provider refused the request";
  if (auto o = parse_object(body, "error"); o.ok())
    if (auto* e = o->if_contains("error"); e && e->is_object())
      if (auto m = str(e->as_object(), "message"); !m.empty()) message = m;
  if (status == 404) return Error::not_found("payment");
  return Error::conflict("payment provider: " + message);
}

}  // namespace

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& form) {
  std::string out;
  for (const auto& [k, v] : form) {
    if (!out.empty()) out += '&';
    out += escape(k) + '=' + escape(v);
  }
  return out;
}

StripeGateway::StripeGateway(StripeOptions options) : o_(std::move(options)) { global_init(); }

std::optional<std::string> StripeGateway::checkout_url(const Event&, const Registration& r) {
  return o_.public_url + "/api/v1/registrations/" + r.id + "/checkout";
}

Timestamp StripeGateway::session_expiry(Timestamp now, Timestamp hold_end) {
  const Timestamp earliest = now + std::chrono::minutes(31);  // Stripe: at least 30 min
  const Timestamp latest = now + std::chrono::hours(23);
  return std::clamp(hold_end, earliest, latest);
}

Result<CheckoutSession> StripeGateway::create_checkout(const Event& event, const Registration& r,
                                                       const CheckoutRequest& request) {
  // Stripe's clock is the real one: the session ends with the hold, within Stripe's limits.
  const auto real_now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  const Timestamp expires = session_expiry(real_now, request.expires_at);
  Form form{{"mode", "payment"},
            {"client_reference_id", r.id},
            {"metadata[registration_id]", r.id},
            {"payment_intent_data[metadata][registration_id]", r.id},
            {"success_url", request.success_url},
            {"cancel_url", request.cancel_url},
            {"expires_at", std::to_string(to_millis(expires) / 1000)}};
  int line = 0;
  for (const auto& item : r.items) {
    if (item.amount == 0) continue;
    const std::string p = "line_items[" + std::to_string(line++) + "]";
    std::string name = item.ticket_type_name.empty() ? "Ticket" : item.ticket_type_name;
    name = event.title + " — " + name;
    // A discount that does not divide evenly goes as one line for the whole item.
    const bool even = item.amount % item.quantity == 0;
    if (!even) name += " × " + std::to_string(item.quantity);
    std::string currency = r.currency;  // Stripe's currency codes are lower-case
    std::transform(currency.begin(), currency.end(), currency.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    form.emplace_back(p + "[price_data][currency]", currency);
    form.emplace_back(p + "[price_data][unit_amount]",
                      std::to_string(even ? item.amount / item.quantity : item.amount));
    form.emplace_back(p + "[price_data][product_data][name]", name);
    form.emplace_back(p + "[quantity]", std::to_string(even ? item.quantity : 1));
  }
  auto reply = call("POST", "/v1/checkout/sessions", form,
                    "checkout-" + r.id + "-" + std::to_string(to_millis(request.expires_at) / 1000));
  if (!reply) return std::move(reply).error();
  if (reply->status / 100 != 2) return stripe_error(reply->status, reply->body);
  auto o = parse_object(reply->body, "checkout session");
  if (!o) return Error::unavailable(5, "payment provider answered something unreadable");
  CheckoutSession s{str(*o, "id"), str(*o, "url"), std::nullopt};
  if (auto e = num(*o, "expires_at")) s.expires_at = from_millis(e * 1000);
  if (s.id.empty() || s.url.empty()) return Error::unavailable(5, "payment provider gave no checkout URL");
  return s;
}

Result<PaymentEvent> StripeGateway::read_webhook(std::string_view payload, std::string_view signature,
                                                 Timestamp now) {
  if (auto ok = verify_stripe_signature(payload, signature, o_.webhook_secrets, now); !ok)
    return std::move(ok).error();
  auto o = parse_object(payload, "the event");
  if (!o) return std::move(o).error();
  PaymentEvent e;
  e.id = str(*o, "id");
  e.type = str(*o, "type");
  e.created = from_millis(num(*o, "created") * 1000);
  auto* data = o->if_contains("data");
  const boost::json::value* obj = data && data->is_object() ? data->as_object().if_contains("object") : nullptr;
  if (e.id.empty() || e.type.empty() || !obj || !obj->is_object())
    return Error::bad_request("the event has no id, type or data.object");
  const auto& x = obj->as_object();
  e.registration_id = meta(x, "registration_id");
  if (e.type.rfind("checkout.session.", 0) == 0) {
    if (e.registration_id.empty()) e.registration_id = str(x, "client_reference_id");
    e.session_id = str(x, "id");
    e.payment_intent = ref(x, "payment_intent");
    e.payment_status = str(x, "payment_status");
    e.amount = num(x, "amount_total");
  } else if (e.type.rfind("payment_intent.", 0) == 0) {
    e.payment_intent = str(x, "id");
    e.amount = num(x, "amount");
  } else if (e.type.rfind("charge.dispute.", 0) == 0) {
    e.payment_intent = ref(x, "payment_intent");
    e.amount = num(x, "amount");
  } else if (e.type.rfind("charge.", 0) == 0) {
    e.payment_intent = ref(x, "payment_intent");
    e.amount = num(x, "amount");
    e.amount_refunded = num(x, "amount_refunded");
  }
  e.currency = str(x, "currency");
  return e;
}

Result<SessionState> StripeGateway::find_session(const std::string& session_id) {
  auto reply = call("GET", "/v1/checkout/sessions/" + escape(session_id), {}, "");
  if (!reply) return std::move(reply).error();
  if (reply->status / 100 != 2) return stripe_error(reply->status, reply->body);
  auto o = parse_object(reply->body, "checkout session");
  if (!o) return Error::unavailable(5, "payment provider answered something unreadable");
  return SessionState{str(*o, "id"), str(*o, "status"), str(*o, "payment_status"),
                      ref(*o, "payment_intent"), num(*o, "amount_total"), str(*o, "currency")};
}

Result<RefundResult> StripeGateway::refund(const RefundRequest& request) {
  Form form{{"payment_intent", request.payment_intent},
            {"amount", std::to_string(request.amount)},
            {"metadata[reason]", request.reason}};
  auto reply = call("POST", "/v1/refunds", form, request.idempotency_key);
  if (!reply) return std::move(reply).error();
  if (reply->status / 100 != 2) return stripe_error(reply->status, reply->body);
  auto o = parse_object(reply->body, "refund");
  if (!o) return Error::unavailable(5, "payment provider answered something unreadable");
  return RefundResult{str(*o, "id"), str(*o, "status"), num(*o, "amount")};
}

Result<std::int64_t> StripeGateway::amount_refunded(const std::string& payment_intent) {
  auto reply = call("GET", "/v1/payment_intents/" + escape(payment_intent) + "?expand%5B%5D=latest_charge", {}, "");
  if (!reply) return std::move(reply).error();
  if (reply->status / 100 != 2) return stripe_error(reply->status, reply->body);
  auto o = parse_object(reply->body, "payment intent");
  if (!o) return Error::unavailable(5, "payment provider answered something unreadable");
  auto* charge = o->if_contains("latest_charge");
  if (!charge || !charge->is_object()) return std::int64_t{0};
  return num(charge->as_object(), "amount_refunded");
}

Result<StripeGateway::Reply> StripeGateway::call(const std::string& method, const std::string& path,
                                                 const Form& form, const std::string& idempotency_key) {
  const std::string body = form_encode(form);
  auto backoff = o_.first_backoff;
  Result<Reply> last = Error::unavailable(5, "payment provider unreachable, try again");
  for (int attempt = 1; attempt <= std::max(1, o_.attempts); ++attempt) {
    last = call_once(method, path, body, idempotency_key);
    const bool retry = !last.ok() || last->status == 429 || last->status >= 500;
    if (!retry) return last;
    log::warn("payment provider call failed", {{"path", path}, {"attempt", attempt},
                                              {"status", last.ok() ? last->status : 0L}});
    if (attempt < o_.attempts) {
      std::this_thread::sleep_for(backoff);
      backoff *= 2;
    }
  }
  if (last.ok()) return Error::unavailable(5, "payment provider is failing, try again");
  return last;
}

Result<StripeGateway::Reply> StripeGateway::call_once(const std::string& method, const std::string& path,
                                                      const std::string& body,
                                                      const std::string& idempotency_key) {
  CURL* curl = curl_easy_init();
  if (!curl) return Error::unavailable(5, "curl_easy_init failed");
  Reply reply;
  const std::string url = o_.api_base + path;
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, ("Authorization: Bearer " + o_.secret_key).c_str());
  headers = curl_slist_append(headers, ("Stripe-Version: " + o_.api_version).c_str());
  if (method == "POST") {
    headers = curl_slist_append(headers, "Content-Type: application/x-www-form-urlencoded");
    if (!idempotency_key.empty())
      headers = curl_slist_append(headers, ("Idempotency-Key: " + idempotency_key).c_str());
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, o_.timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 5L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  const CURLcode rc = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK)
    return Error::unavailable(5, std::string("payment provider unreachable: ") + curl_easy_strerror(rc));
  return reply;
}

}  // namespace admit::payments
