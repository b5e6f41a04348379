#pragma once
// Expected failures as values. Every error has a stable snake_case code (see API.md);
// the HTTP layer maps codes to statuses in one table (http/problem.cpp).
#include <string>
#include <string_view>
#include <vector>

namespace admit {

enum class ErrorCode {
  bad_request,             // 400 malformed request (bad JSON, bad query parameter)
  invalid_signature,       // 400 webhook or ticket signature did not verify
  unauthenticated,         // 401 no or expired credentials
  invalid_credentials,     // 401 wrong email or password
  forbidden,               // 403 authenticated but not allowed (CSRF, role)
  email_not_verified,      // 403 right password, but the email is not confirmed yet
  account_disabled,        // 403 right password, but an admin disabled the account
  not_found,               // 404 missing, or another owner's resource
  method_not_allowed,      // 405
  conflict,                // 409 state conflict (already published, duplicate)
  sold_out,                // 409 not enough seats left
  gone,                    // 410 expired link or token
  payload_too_large,       // 413
  unsupported_media_type,  // 415
  validation_failed,       // 422 field errors in `errors`
  rate_limited,            // 429 with Retry-After
  internal,                // 500
  not_implemented,         // 501 e.g. a transfer coding the server does not implement
  unavailable,             // 503 with Retry-After (queue full, database down)
};

std::string_view to_string(ErrorCode code) noexcept;

struct FieldError {
  std::string field;    // JSON path of the offending field, e.g. "ticket_types[1].price"
  std::string message;  // human sentence, e.g. "must be at most 200 characters"
  bool operator==(const FieldError&) const = default;
};

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string detail;              // one sentence for people
  std::vector<FieldError> errors;  // per-field problems (validation_failed)
  int retry_after_seconds = 0;     // for rate_limited / unavailable

  static Error validation(std::vector<FieldError> errors);
  static Error field(std::string field, std::string message);
  static Error not_found(std::string what = "resource");
  static Error conflict(std::string detail);
  static Error forbidden(std::string detail = "not allowed");
  static Error unauthenticated(std::string detail = "sign in required");
  static Error bad_request(std::string detail);
  static Error internal(std::string detail = "internal error");
  static Error unavailable(int retry_after_seconds, std::string detail = "try again shortly");
  static Error rate_limited(int retry_after_seconds);
};

// Collects field errors while validating a whole input, so one answer names every problem.
class FieldErrors {
 public:
  void add(std::string field, std::string message) {
    errors_.push_back({std::move(field), std::move(message)});
  }
  bool empty() const noexcept { return errors_.empty(); }
  bool has(std::string_view field) const noexcept {
    for (const auto& e : errors_)
      if (e.field == field) return true;
    return false;
  }
  const std::vector<FieldError>& list() const noexcept { return errors_; }
  Error to_error() && { return Error::validation(std::move(errors_)); }

 private:
  std::vector<FieldError> errors_;
};

}  // namespace admit
