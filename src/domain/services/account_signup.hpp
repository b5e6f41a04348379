#pragma once
// SignupService: joining and proving an address, and getting back in: sign-up, email
// verification, and password reset, all driven by single-use mail links.
// Contract:
// - Enumeration safety: sign-up, resend and reset answer the same whether or not the email
//   has an account.
// - begin_*() validates and counts rate limits (cheap: call it on the request thread, so a
//   limited request never costs a hash); finish_*() hashes the password (call it on the
//   bounded hashing pool).
// - Links carry a 256-bit secret stored as SHA-256, single use, expiring after
//   verify_link_ttl / reset_link_ttl (24 h).
// - Every mail is queued in the same transaction as the change (the outbox), and every
//   security event writes an audit entry. Thread-safe (state lives in the stores).
#include <optional>
#include <string>
#include <vector>

#include "domain/services/account_context.hpp"

namespace admit {

class SignupService : public AccountPart {
 public:
  explicit SignupService(AccountContext& context) : AccountPart(context) {}

  Result<PendingSignup> begin_signup(SignupInput input, const ClientInfo& client);
  // Always succeeds for the caller's eyes (202): a new account gets a verification mail;
  // a taken address gets a notice (verified) or a fresh verification mail (unverified).
  Status finish_signup(const PendingSignup& pending);
  // Confirms the address the link was sent to; gone when unknown, used or expired.
  Result<User> verify_email(const std::string& token, const ClientInfo& client);
  // Sends a fresh link when the account exists and is unverified; the same answer always.
  Status resend_verification(const std::string& email, const ClientInfo& client);

  // Password reset
  Status request_password_reset(const std::string& email, const ClientInfo& client);
  Result<PendingReset> begin_password_reset(const std::string& token, const std::string& password,
                                            const ClientInfo& client);
  // Sets the password, uses the link, signs out every session and revokes every API token.
  Status finish_password_reset(const PendingReset& pending);
};

}  // namespace admit
