#pragma once
// ProfileService: the signed-in user's own account: reading it, changing name, email and
// password, and deleting it.
// Contract: changing the email or the password needs the current password (checked on the
// hashing pool, rate limited); a new email is verified at the new address before it
// applies; a password change ends every other session. Deleting erases personal data and
// ends sessions and tokens (see delete_account). Thread-safe (state lives in the stores).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/services/account_context.hpp"

namespace admit {

class ProfileService : public AccountPart {
 public:
  explicit ProfileService(AccountContext& context) : AccountPart(context) {}

  Result<User> me(const Actor& actor);
  Result<PendingProfileChange> begin_update_profile(const Actor& actor,
                                                    std::optional<std::string> current_session,
                                                    ProfileChange change, const ClientInfo& client);
  Result<User> finish_update_profile(const PendingProfileChange& pending);
  // Cancels the upcoming registrations (through the hook below), then erases personal data
  // (the account's and the names and emails on its tickets) and ends sessions and tokens;
  // past registrations stay, anonymous. An organizer with published events that have not
  // ended answers conflict, and nothing changes.
  Status delete_account(const Actor& actor, const ClientInfo& client);
  // Called by delete_account with the user id once the account may be deleted, before its
  // data is erased (the registration service cancels its upcoming registrations).
  void on_account_deleting(std::function<void(const std::string&)> hook) {
    deleting_hook_ = std::move(hook);
  }

 private:
  std::function<void(const std::string&)> deleting_hook_;
};

}  // namespace admit
