#pragma once
// TokenService: API tokens (Bearer), for scripts and door scanners.
// Contract: a token's secret is shown once and stored as SHA-256; a token may be scoped to
// one event (a door token), which its owner must organize (an admin: any event); creating
// one is rate limited per account and audited; another user's token is not_found; revoking
// is audited. Thread-safe (state lives in the stores).
#include <optional>
#include <string>
#include <vector>

#include "domain/services/account_context.hpp"

namespace admit {

class TokenService : public AccountPart {
 public:
  explicit TokenService(AccountContext& context) : AccountPart(context) {}

  // `expires_at` (optional): when the token stops working; it must be in the future (a
  // field error naming `expires_at` otherwise). An expired token authenticates nobody.
  Result<CreatedToken> create_api_token(const Actor& actor, const std::string& name,
                                        const std::optional<std::string>& event_id,
                                        const ClientInfo& client,
                                        std::optional<Timestamp> expires_at = std::nullopt);
  // `admit token create`: a token for the account with this email, made by the operator at
  // the command line (no rate limit). Audited as token_created like the API's, with no
  // actor and {"via":"command_line","user_id":..} as detail. not_found when no account has
  // the email; a field error naming `event_id` for an unknown event, or for an event the
  // account does not organize (the API's rule: its own events, any event for an admin).
  Result<CreatedToken> create_api_token_from_command_line(const std::string& email,
                                                          const std::string& name,
                                                          const std::optional<std::string>& event_id,
                                                          std::optional<Timestamp> expires_at = std::nullopt);
  Result<std::vector<ApiToken>> api_tokens(const Actor& actor);
  Status revoke_api_token(const Actor& actor, const std::string& token_id, const ClientInfo& client);

 private:
  // A fresh token (secret, id, hash, scope, time) for `name`; the caller sets its owner.
  CreatedToken new_token(const std::string& name, const std::optional<std::string>& event_id,
                         std::optional<Timestamp> expires_at) const;
};

}  // namespace admit
