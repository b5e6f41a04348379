// The one table that maps error codes to HTTP statuses and RFC 9457 problem documents.
#include <array>
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "http/message.hpp"

namespace admit::http {
namespace {

struct ProblemKind {
  ErrorCode code;
  int status;
  std::string_view title;
};

// Indexed by ErrorCode; the static_asserts below keep the order honest.
constexpr std::array<ProblemKind, 19> kProblems{{
    {ErrorCode::bad_request, 400, "Bad request"},
    {ErrorCode::invalid_signature, 400, "Invalid signature"},
    {ErrorCode::unauthenticated, 401, "Authentication required"},
    {ErrorCode::invalid_credentials, 401, "Invalid credentials"},
    {ErrorCode::forbidden, 403, "Forbidden"},
    {ErrorCode::email_not_verified, 403, "Email not verified"},
    {ErrorCode::account_disabled, 403, "Account disabled"},
    {ErrorCode::not_found, 404, "Not found"},
    {ErrorCode::method_not_allowed, 405, "Method not allowed"},
    {ErrorCode::conflict, 409, "Conflict"},
    {ErrorCode::sold_out, 409, "Sold out"},
    {ErrorCode::gone, 410, "Gone"},
    {ErrorCode::payload_too_large, 413, "Payload too large"},
    {ErrorCode::unsupported_media_type, 415, "Unsupported media type"},
    {ErrorCode::validation_failed, 422, "Validation failed"},
    {ErrorCode::rate_limited, 429, "Too many requests"},
    {ErrorCode::internal, 500, "Internal server error"},
    {ErrorCode::not_implemented, 501, "Not implemented"},
    {ErrorCode::unavailable, 503, "Service unavailable"},
}};

constexpr bool table_in_order() {
  for (std::size_t i = 0; i < kProblems.size(); ++i)
    if (static_cast<std::size_t>(kProblems[i].code) != i) return false;
  return true;
}
static_assert(table_in_order(), "kProblems must list every ErrorCode in declaration order");
static_assert(static_cast<std::size_t>(ErrorCode::unavailable) + 1 == kProblems.size(),
              "a new ErrorCode needs a row in kProblems");

const ProblemKind& kind_of(ErrorCode code) noexcept {
  auto i = static_cast<std::size_t>(code);
  return i < kProblems.size() ? kProblems[i] : kProblems[static_cast<std::size_t>(ErrorCode::internal)];
}

constexpr std::string_view kTypeBase = "https://admit.dev/problems/";

}  // namespace

int status_of(ErrorCode code) noexcept { return kind_of(code).status; }

Response Response::problem(const Error& error, std::string_view request_id) {
  const ProblemKind& kind = kind_of(error.code);
  std::string_view code = to_string(error.code);

  boost::json::object body;
  std::string type(kTypeBase);
  type += code;
  body["type"] = type;
  body["title"] = kind.title;
  body["status"] = kind.status;
  body["detail"] = error.detail.empty() ? kind.title : std::string_view(error.detail);
  body["code"] = code;
  boost::json::array errors;
  errors.reserve(error.errors.size());
  for (const auto& e : error.errors) errors.push_back({{"field", e.field}, {"message", e.message}});
  body["errors"] = std::move(errors);
  if (!request_id.empty()) body["request_id"] = request_id;

  Response r;
  r.status = kind.status;
  r.content_type = "application/problem+json";
  r.body = boost::json::serialize(body);
  if (error.code == ErrorCode::rate_limited || error.code == ErrorCode::unavailable) {
    int seconds = error.retry_after_seconds > 0 ? error.retry_after_seconds : 1;
    r.headers.emplace_back("Retry-After", std::to_string(seconds));
  }
  return r;
}

}  // namespace admit::http
