#pragma once
// SessionService: signing in and the sessions it makes.
// Contract:
// - Sign-in answers invalid_credentials alike for an unknown email and a wrong password,
//   and verifies a dummy hash for an unknown email so both take as long; only after a
//   correct password does it say email_not_verified or account_disabled. begin_login()
//   counts the rate limits (per account and address, per address, per account) before any
//   hashing; finish_login() verifies on the hashing pool.
// - Sessions: a new 256-bit secret at every sign-in, stored as SHA-256, with idle and
//   absolute expiry; revoked at sign-out, "sign out everywhere", password change or reset,
//   and disable. Another user's session is not_found.
// Thread-safe (state lives in the stores).
#include <optional>
#include <string>
#include <vector>

#include "domain/services/account_context.hpp"

namespace admit {

class SessionService : public AccountPart {
 public:
  explicit SessionService(AccountContext& context) : AccountPart(context) {}

  Result<PendingLogin> begin_login(const std::string& email, const std::string& password,
                                   const ClientInfo& client);
  Result<SignIn> finish_login(const PendingLogin& pending);
  // The live session for a cookie secret and its user (updates last_seen_at at most once a
  // minute), or nullopt when unknown, revoked, expired, or the account is disabled.
  std::optional<SessionAuth> authenticate_session(const std::string& secret);
  // authenticate_session()'s answer when it is known without the database (the store has
  // the session's look-up cached and no last_seen_at update is due): true with `out` set
  // (nullopt: not a live session); false when only authenticate_session() can tell. For
  // network threads: it never blocks on I/O.
  bool authenticate_session_now(const std::string& secret, std::optional<SessionAuth>& out);
  void logout(const std::string& session_id, const ClientInfo& client);
  Result<std::vector<Session>> sessions(const Actor& actor);
  // Ends every session of the actor, the current one included.
  Status sign_out_everywhere(const Actor& actor, const ClientInfo& client);
  Status end_session(const Actor& actor, const std::string& session_id, const ClientInfo& client);

  // Deletes sessions and mail links that ended more than `purge_after` ago (the server runs
  // it at start and every hour); returns the rows removed.
  std::int64_t purge_expired();

 private:
  // The session if it is live at `now` (not revoked, not expired or idle, its account
  // enabled), else nullopt.
  std::optional<SessionAuth> live(std::pair<Session, User> found, Timestamp now) const;
};

}  // namespace admit
