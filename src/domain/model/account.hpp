#pragma once
// Browser sessions, single-use mail links, audit entries and queued mail, as stored.
// Secrets never are: a session or link is stored as the SHA-256 (hex) of its secret.
#include <optional>
#include <string>
#include <string_view>

#include "common/time.hpp"

namespace admit {

struct Session {
  std::string id;      // sha256_hex of the cookie secret: never shown
  std::string handle;  // public id ("ses_..."): the sessions list shows it, ending one uses it
  std::string user_id;
  Timestamp created_at;
  Timestamp last_seen_at;
  Timestamp expires_at;  // absolute end, whatever the activity
  std::optional<Timestamp> revoked_at;
  std::string user_agent;  // shortened, for the sessions list
  std::string ip;
};

// What a single-use link confirms.
enum class OneTimeKind { verify_email, reset_password };
std::string_view to_string(OneTimeKind kind) noexcept;

struct OneTimeToken {
  std::string id;  // sha256_hex of the secret in the link
  OneTimeKind kind = OneTimeKind::verify_email;
  std::string user_id;
  std::string payload;  // verify_email: the address being confirmed
  Timestamp created_at;
  Timestamp expires_at;
  std::optional<Timestamp> used_at;
};

// One security event. detail is a JSON object as text; it never holds a secret.
struct AuditEntry {
  std::string id;
  Timestamp at;
  std::optional<std::string> actor_user_id;
  std::string kind;  // e.g. "signin_succeeded", "password_changed", "token_created"
  std::optional<std::string> subject;  // the user or token acted on
  std::string ip;
  std::string detail = "{}";
};

// A mail to queue in the outbox. cause_key is unique: one cause never yields two mails.
struct Mail {
  std::string to;
  std::string subject;
  std::string text;
  std::string html;
  std::string cause_key;
};

}  // namespace admit
