#pragma once
// RegistrationService: everything about registrations except taking seats (that is the
// RegistrationEngine's): reading one's own history, cancelling (attendee before the
// organizer's cut-off, organizer any time), cascading an event's cancellation, organizer
// lists and statistics, promo codes, the waiting list, and the sweeper that expires holds
// and unanswered waiting-list offers. Ownership is checked here: a registration is visible
// to its owner and to its event's organizer (and admins), to anyone else it is not_found.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <functional>
#include <string>
#include <vector>

#include "common/background_loop.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "domain/model/actor.hpp"
#include "domain/ports/event_store.hpp"
#include "domain/ports/rate_limiter.hpp"
#include "domain/ports/registration_store.hpp"
#include "domain/services/registration_engine.hpp"

namespace admit {

// The texts of registration mails; links are built from the public URL.
class RegistrationMails final : public RegistrationNotices {
 public:
  explicit RegistrationMails(std::string public_url) : public_url_(std::move(public_url)) {}
  MailNotice registration_cancelled(const Event& event, const Registration& r, const std::string& to,
                                    bool by_organizer) const override;
  MailNotice event_cancelled(const Event& event, const Registration& r,
                             const std::string& to) const override;
  MailNotice waitlist_offer(const Event& event, const WaitlistEntry& entry,
                            const std::string& to) const override;

 private:
  std::string public_url_;
};

struct PromoCodeInput {
  std::string code;
  std::string kind;  // "percent" | "fixed"
  std::int64_t amount = 0;
  std::optional<std::string> ticket_type_id;
  bool unlocks_hidden = false;
  std::optional<std::int64_t> max_uses;
  std::optional<Timestamp> valid_from;
  std::optional<Timestamp> valid_until;
};

// Who tries a promo code, for the guessing limit: the client address and, when signed
// in, the user.
struct PromoAttempt {
  std::string ip;
  std::optional<std::string> user_id;
};

// Budgets for trying promo codes (a look-up with `?promo_code=`, or a registration carrying
// a code): both reveal whether a code is valid, so short codes could be guessed without them.
struct PromoLimits {
  RateRule per_address{30, std::chrono::minutes(1)};  // IPv6 counts per /64
  RateRule per_account{30, std::chrono::minutes(1)};
};

// Budgets against one account or one address taking a sale for itself (docs/security.md
// says why these numbers). limit <= 0 switches one off (the benchmark's many users share
// one address). Counted in process memory: registering runs on the network thread and
// must not wait for a database write, so with several nodes each node counts its own.
struct AbuseLimits {
  RateRule registrations_per_user{30, std::chrono::minutes(1)};
  RateRule registrations_per_address{600, std::chrono::minutes(1)};  // IPv6 per /64
  RateRule waitlist_joins_per_user{20, std::chrono::hours(1)};
};

struct WaitlistInput {
  std::optional<std::string> ticket_type_id;
  std::int64_t quantity = 1;
};

class RegistrationService {
 public:
  RegistrationService(RegistrationStore& store, EventStore& events, RegistrationEngine& engine,
                      const Clock& clock, std::string public_url);
  ~RegistrationService();

  Result<Registration> get(const Actor& actor, const std::string& registration_id);
  Result<std::vector<Registration>> list_mine(const Actor& actor, HistoryScope scope);
  Result<Registration> cancel(const Actor& actor, const std::string& registration_id);
  // The event's registrations for its organizer.
  Result<RegistrationPage> list_for_event(const Actor& actor, RegistrationQuery query);
  // Every registration list_for_event() would answer for `query`, over all its pages (read
  // 1000 at a time, from the first), each handed to `each` in order (the CSV export).
  Status for_each_for_event(const Actor& actor, RegistrationQuery query,
                            const std::function<void(const Registration&)>& each);
  Result<EventStats> stats(const Actor& actor, const std::string& event_id);
  // Where stats() gets check-ins per hour (CheckinService); set before serving.
  void count_checkins_with(std::function<std::vector<CheckinCount>(const std::string&)> fn) {
    checkin_counts_ = std::move(fn);
  }

  // Cancels every registration of a cancelled event (CatalogService::on_cancelled).
  void on_event_cancelled(const Event& event);
  // An event was edited: capacity may have grown (CatalogService hook).
  void on_event_updated(const Event& event);

  Result<PromoCode> create_promo(const Actor& actor, const std::string& event_id, const PromoCodeInput& in);
  Result<std::vector<PromoCode>> list_promos(const Actor& actor, const std::string& event_id);
  // The event's promo code by this code (any case) when it can be used now: known for the
  // event, inside its validity window and with uses left. Anything else is a field error
  // naming `promo_code`. The caller has already checked the event is visible.
  Result<PromoCode> usable_promo(const Event& event, const std::string& code);
  // Counts promo-code attempts with `limiter` from now on (without it nothing is counted).
  void limit_promo_attempts(RateLimiter& limiter, PromoLimits limits = {});
  // Counts one promo-code attempt against the per-address and (signed in) per-account
  // budgets; over either it is rate_limited (429, Retry-After) whatever the code.
  Status count_promo_attempt(const PromoAttempt& who);
  // count_promo_attempt(), then usable_promo(): GET /api/v1/events/{id}?promo_code=.
  Result<PromoCode> try_promo(const Event& event, const std::string& code, const PromoAttempt& who);

  // Counts registration attempts with `limiter` from now on (without it nothing is counted).
  // The limiter must not block (it is called on network threads).
  void limit_abuse(RateLimiter& limiter, AbuseLimits limits = {});
  // Counts one registration attempt of this user from this address; over either budget it
  // is rate_limited (429, Retry-After). Cheap and non-blocking.
  Status count_registration(const std::string& user_id, const std::string& ip);

  // The account is being deleted: cancels its live registrations for events that have not
  // started (tickets voided, seats back to the sale and the waiting list). Returns how many.
  int cancel_upcoming_for_user(const std::string& user_id);

  Result<WaitlistEntry> join_waitlist(const Actor& actor, const std::string& event_id, const WaitlistInput& in);
  Result<WaitlistEntry> get_waitlist(const Actor& actor, const std::string& event_id);
  Status leave_waitlist(const Actor& actor, const std::string& event_id);

  // One sweeper pass: expire holds and offers, make offers, clear sold-out flags.
  SweepResult sweep_once();
  // Runs sweep_once() every `interval` on a BackgroundLoop until stop_sweeper().
  void start_sweeper(std::chrono::milliseconds interval);
  void stop_sweeper();

  const RegistrationNotices& notices() const noexcept { return mails_; }
  // The event when the actor may manage it (its organizer or an admin), else not_found.
  Result<Event> managed_event(const Actor& actor, const std::string& event_id);

 private:
  std::function<std::vector<CheckinCount>(const std::string&)> checkin_counts_;

  RegistrationStore& store_;
  EventStore& events_;
  RegistrationEngine& engine_;
  const Clock& clock_;
  RegistrationMails mails_;
  RateLimiter* promo_limiter_ = nullptr;
  PromoLimits promo_limits_;
  RateLimiter* abuse_limiter_ = nullptr;
  AbuseLimits abuse_limits_;

  std::mutex sweeper_mu_;
  std::unique_ptr<BackgroundLoop> sweeper_;
};

}  // namespace admit
