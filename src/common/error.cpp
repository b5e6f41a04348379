#include "common/error.hpp"

namespace admit {

std::string_view to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::bad_request: return "bad_request";
    case ErrorCode::invalid_signature: return "invalid_signature";
    case ErrorCode::unauthenticated: return "unauthenticated";
    case ErrorCode::invalid_credentials: return "invalid_credentials";
    case ErrorCode::forbidden: return "forbidden";
    case ErrorCode::email_not_verified: return "email_not_verified";
    case ErrorCode::account_disabled: return "account_disabled";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::method_not_allowed: return "method_not_allowed";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::sold_out: return "sold_out";
    case ErrorCode::gone: return "gone";
    case ErrorCode::payload_too_large: return "payload_too_large";
    case ErrorCode::unsupported_media_type: return "unsupported_media_type";
    case ErrorCode::validation_failed: return "validation_failed";
    case ErrorCode::rate_limited: return "rate_limited";
    case ErrorCode::internal: return "internal";
    case ErrorCode::not_implemented: return "not_implemented";
    case ErrorCode::unavailable: return "unavailable";
  }
  return "internal";
}

Error Error::validation(std::vector<FieldError> errors) {
  Error e{ErrorCode::validation_failed, "The request has invalid fields.", std::move(errors)};
  if (e.errors.size() == 1) e.detail = e.errors[0].field + ": " + e.errors[0].message;
  return e;
}
Error Error::field(std::string field, std::string message) {
  return validation({FieldError{std::move(field), std::move(message)}});
}
Error Error::not_found(std::string what) {
  return {ErrorCode::not_found, what + " not found", {}};
}
Error Error::conflict(std::string detail) { return {ErrorCode::conflict, std::move(detail), {}}; }
Error Error::forbidden(std::string detail) { return {ErrorCode::forbidden, std::move(detail), {}}; }
Error Error::unauthenticated(std::string detail) {
  return {ErrorCode::unauthenticated, std::move(detail), {}};
}
Error Error::bad_request(std::string detail) {
  return {ErrorCode::bad_request, std::move(detail), {}};
}
Error Error::internal(std::string detail) { return {ErrorCode::internal, std::move(detail), {}}; }
Error Error::unavailable(int retry_after_seconds, std::string detail) {
  return {ErrorCode::unavailable, std::move(detail), {}, retry_after_seconds};
}
Error Error::rate_limited(int retry_after_seconds) {
  return {ErrorCode::rate_limited, "Too many requests; try again later.", {}, retry_after_seconds};
}

}  // namespace admit
