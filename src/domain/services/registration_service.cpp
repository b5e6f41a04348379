#include "domain/services/registration_service.hpp"

#include <exception>
#include <map>

#include "common/log.hpp"
#include "common/money.hpp"
#include "common/random.hpp"
#include "domain/services/account_service.hpp"  // address_key: IPv6 counts per /64
#include "domain/services/registration_rules.hpp"
#include "domain/services/text.hpp"

namespace admit {
namespace {

bool may_manage(const Actor& actor, const Event& e) {
  return e.organizer_id == actor.user_id || actor.is_admin();
}

std::string money(std::int64_t minor, const std::string& currency) {
  return format_money(minor, currency);
}

// The end of a cancellation mail: the refund owed, if any, and where the attendee's
// registrations are.
std::string cancellation_closing(const Registration& r, const std::string& public_url) {
  std::string text;
  if (r.refund_status && *r.refund_status == "due")
    text += "The amount paid (" + money(r.total, r.currency) + ") will be refunded.\n";
  return text + "\nYour registrations: " + public_url + "/me/registrations\n";
}

}  // namespace

// ---- mails -----------------------------------------------------------------------------

MailNotice RegistrationMails::registration_cancelled(const Event& e, const Registration& r,
                                                     const std::string& to, bool by_organizer) const {
  MailNotice m;
  m.to = to;
  m.cause_key = "reg-cancelled:" + r.id;
  m.subject = "Your registration for " + e.title + " is cancelled";
  m.text = "Hello,\n\nyour registration " + r.id + " for \"" + e.title + "\" (" +
           format_rfc3339(e.starts_at) + ", " + e.venue + ") has been cancelled" +
           (by_organizer ? " by the organizer" : " as you asked") + ". Its " +
           std::to_string(r.ticket_count()) + " ticket(s) are no longer valid.\n";
  m.text += cancellation_closing(r, public_url_);
  return m;
}

MailNotice RegistrationMails::event_cancelled(const Event& e, const Registration& r,
                                              const std::string& to) const {
  MailNotice m;
  m.to = to;
  m.cause_key = "event-cancelled:" + r.id;
  m.subject = e.title + " is cancelled";
  m.text = "Hello,\n\nwe are sorry: \"" + e.title + "\" (" + format_rfc3339(e.starts_at) + ", " +
           e.venue + ") has been cancelled by the organizer, and with it your registration " + r.id +
           ".\n";
  m.text += cancellation_closing(r, public_url_);
  return m;
}

MailNotice RegistrationMails::waitlist_offer(const Event& e, const WaitlistEntry& w,
                                             const std::string& to) const {
  MailNotice m;
  m.to = to;
  m.cause_key = "waitlist-offer:" + w.id + ":" +
                std::to_string(w.offered_at ? to_millis(*w.offered_at) : 0);
  m.subject = "A seat for " + e.title + " is waiting for you";
  m.text = "Hello,\n\ngood news: " + std::to_string(w.offered_quantity) + " seat(s) for \"" + e.title +
           "\" are held for you until " +
           (w.offer_expires_at ? format_rfc3339(*w.offer_expires_at) : std::string("soon")) +
           ". Register here before then, or they pass to the next person waiting:\n" + public_url_ +
           "/events/" + e.id + "\n";
  return m;
}

// ---- service ---------------------------------------------------------------------------

RegistrationService::RegistrationService(RegistrationStore& store, EventStore& events,
                                         RegistrationEngine& engine, const Clock& clock,
                                         std::string public_url)
    : store_(store), events_(events), engine_(engine), clock_(clock), mails_(std::move(public_url)) {}

RegistrationService::~RegistrationService() { stop_sweeper(); }

Result<Event> RegistrationService::managed_event(const Actor& actor, const std::string& event_id) {
  auto e = events_.find_event(event_id);
  if (!e || !may_manage(actor, *e)) return Error::not_found("event");
  return std::move(*e);
}

namespace {

// Attendees may cancel until the event's cut-off before its start.
Timestamp cancel_deadline(const Event& e) {
  Timestamp deadline = e.starts_at;
  if (e.cancel_cutoff_hours) deadline -= std::chrono::hours(*e.cancel_cutoff_hours);
  return deadline;
}

// The cancellation rule: an organizer may cancel any registration that holds seats, its
// attendee only until the cut-off. Nothing when `r` may be cancelled now.
std::optional<CancelRefusal> cancel_refusal(const Registration& r, const Event& e, bool organizer,
                                            Timestamp now) {
  if (!holds_seats(r.status)) return CancelRefusal::not_active;
  if (!organizer && now >= cancel_deadline(e)) return CancelRefusal::cutoff_passed;
  return std::nullopt;
}

void set_cancel_answer(Registration& r, std::optional<CancelRefusal> refusal) {
  r.can_cancel = !refusal;
  r.cancel_refusal = refusal;
}

}  // namespace

Result<Registration> RegistrationService::get(const Actor& actor, const std::string& id) {
  auto r = store_.find(id);
  if (!r) return Error::not_found("registration");
  auto e = events_.find_event(r->event_id);
  const bool organizer = e && may_manage(actor, *e);
  if (!organizer && r->user_id != actor.user_id && !actor.is_admin()) return Error::not_found("registration");
  if (e) set_cancel_answer(*r, cancel_refusal(*r, *e, organizer, clock_.now()));
  else set_cancel_answer(*r, CancelRefusal::not_active);
  return std::move(*r);
}

Result<std::vector<Registration>> RegistrationService::list_mine(const Actor& actor, HistoryScope scope) {
  const Timestamp now = clock_.now();
  std::vector<Registration> list = store_.list_for_user(actor.user_id, scope, now);
  std::map<std::string, std::optional<Event>> events;  // one look-up per event
  for (auto& r : list) {
    auto [it, fresh] = events.try_emplace(r.event_id);
    if (fresh) it->second = events_.find_event(r.event_id);
    const auto& e = it->second;
    set_cancel_answer(r, e ? cancel_refusal(r, *e, may_manage(actor, *e), now) : CancelRefusal::not_active);
  }
  return list;
}

Result<Registration> RegistrationService::cancel(const Actor& actor, const std::string& id) {
  auto r = store_.find(id);
  if (!r) return Error::not_found("registration");
  auto e = events_.find_event(r->event_id);
  if (!e) return Error::not_found("registration");
  const bool organizer = may_manage(actor, *e);
  const bool owner = r->user_id == actor.user_id;
  if (!organizer && !owner) return Error::not_found("registration");
  const Timestamp now = clock_.now();
  if (auto refusal = cancel_refusal(*r, *e, organizer, now)) {
    if (*refusal == CancelRefusal::not_active)
      return Error::conflict("This registration is already " + std::string(to_string(r->status)) + ".");
    return Error::conflict("Cancellation closed at " + format_rfc3339(cancel_deadline(*e)) +
                           "; contact the organizer.");
  }
  auto result = store_.cancel(CancelRequest{id, organizer && !owner, now}, mails_);
  if (!result) return result;
  engine_.seats_returned(r->event_id);
  set_cancel_answer(*result, CancelRefusal::not_active);
  return result;
}

Result<RegistrationPage> RegistrationService::list_for_event(const Actor& actor, RegistrationQuery query) {
  auto e = managed_event(actor, query.event_id);
  if (!e) return e.error();
  if (query.q && utf8_length(*query.q) > 200) return Error::field("q", "must be at most 200 characters");
  auto page = store_.list_for_event(query);
  if (!page) return page;
  const Timestamp now = clock_.now();
  for (auto& r : page->items) set_cancel_answer(r, cancel_refusal(r, *e, true, now));
  return page;
}

Status RegistrationService::for_each_for_event(const Actor& actor, RegistrationQuery query,
                                               const std::function<void(const Registration&)>& each) {
  query.limit = 1000;
  query.cursor.reset();
  for (;;) {
    auto page = list_for_event(actor, query);
    if (!page) return std::move(page).error();
    for (const auto& r : page->items) each(r);
    if (!page->next_cursor) return {};
    query.cursor = page->next_cursor;
  }
}

Result<EventStats> RegistrationService::stats(const Actor& actor, const std::string& event_id) {
  auto e = managed_event(actor, event_id);
  if (!e) return e.error();
  EventStats s = store_.stats(event_id);
  if (checkin_counts_) s.checkins_by_hour = checkin_counts_(event_id);
  return s;
}

void RegistrationService::on_event_cancelled(const Event& event) {
  const int n = store_.cancel_event(event.id, clock_.now(), mails_);
  engine_.seats_returned(event.id);
  log::info("event cancelled: registrations cancelled", {{"event_id", event.id}, {"registrations", n}});
}

void RegistrationService::on_event_updated(const Event& event) { engine_.seats_returned(event.id); }

Result<PromoCode> RegistrationService::create_promo(const Actor& actor, const std::string& event_id,
                                                    const PromoCodeInput& in) {
  auto e = managed_event(actor, event_id);
  if (!e) return e.error();
  FieldErrors errors;
  const std::string code = normalize_promo_code(in.code);
  if (!is_valid_promo_code(code)) errors.add("code", "must be 3 to 64 letters, digits, - or _");
  auto kind = parse_discount_kind(in.kind);
  if (!kind) errors.add("kind", "must be percent or fixed");
  else if (*kind == DiscountKind::percent && (in.amount < 0 || in.amount > 100))
    errors.add("amount", "must be a percentage between 0 and 100");
  else if (*kind == DiscountKind::fixed && (in.amount < 0 || in.amount > 100'000'000))
    errors.add("amount", "must be between 0 and 100000000 (minor units)");
  if (in.ticket_type_id && !find_type(*e, *in.ticket_type_id))
    errors.add("ticket_type_id", "is not a ticket type of this event");
  if (in.max_uses && (*in.max_uses < 1 || *in.max_uses > 1'000'000))
    errors.add("max_uses", "must be between 1 and 1000000");
  if (in.valid_from && in.valid_until && *in.valid_until <= *in.valid_from)
    errors.add("valid_until", "must be after valid_from");
  if (!errors.empty()) return std::move(errors).to_error();
  PromoCode p;
  p.id = new_id("promo");
  p.event_id = event_id;
  p.code = code;
  p.kind = *kind;
  p.amount = in.amount;
  p.ticket_type_id = in.ticket_type_id;
  p.unlocks_hidden = in.unlocks_hidden;
  p.max_uses = in.max_uses;
  p.valid_from = in.valid_from;
  p.valid_until = in.valid_until;
  p.created_at = p.updated_at = clock_.now();
  return store_.create_promo(p);
}

Result<std::vector<PromoCode>> RegistrationService::list_promos(const Actor& actor, const std::string& event_id) {
  auto e = managed_event(actor, event_id);
  if (!e) return e.error();
  return store_.list_promos(event_id);
}

Result<PromoCode> RegistrationService::usable_promo(const Event& event, const std::string& code) {
  const std::string normalized = normalize_promo_code(code);
  if (!is_valid_promo_code(normalized))
    return Error::field("promo_code", "must be 3 to 64 letters, digits, - or _");
  auto promo = store_.find_promo(event.id, normalized);
  if (auto ok = check_promo_window(promo ? &*promo : nullptr, clock_.now()); !ok) return ok.error();
  if (promo->max_uses && promo->uses >= *promo->max_uses)
    return Error::field("promo_code", "has no uses left");
  return std::move(*promo);
}

void RegistrationService::limit_promo_attempts(RateLimiter& limiter, PromoLimits limits) {
  promo_limiter_ = &limiter;
  promo_limits_ = limits;
}

Status RegistrationService::count_promo_attempt(const PromoAttempt& who) {
  if (!promo_limiter_) return {};
  const Timestamp now = clock_.now();
  auto over = [&](const std::string& key, const RateRule& rule) -> std::optional<int> {
    if (rule.limit <= 0) return std::nullopt;
    return promo_limiter_->hit(key, rule.limit, rule.window, now);
  };
  std::optional<int> retry = over("promo:addr:" + AccountService::address_key(who.ip),
                                  promo_limits_.per_address);
  if (!retry && who.user_id) retry = over("promo:user:" + *who.user_id, promo_limits_.per_account);
  if (!retry) return {};
  Error e = Error::rate_limited(*retry);
  e.detail = "Too many promo code attempts; try again in " + std::to_string(*retry) +
             (*retry == 1 ? " second." : " seconds.");
  return e;
}

Result<PromoCode> RegistrationService::try_promo(const Event& event, const std::string& code,
                                                 const PromoAttempt& who) {
  if (auto s = count_promo_attempt(who); !s) return std::move(s).error();
  return usable_promo(event, code);
}

namespace {

Error too_many(int retry_after, std::string_view what) {
  Error e = Error::rate_limited(retry_after);
  e.detail = "Too many " + std::string(what) + "; try again in " + std::to_string(retry_after) +
             (retry_after == 1 ? " second." : " seconds.");
  return e;
}

}  // namespace

void RegistrationService::limit_abuse(RateLimiter& limiter, AbuseLimits limits) {
  abuse_limiter_ = &limiter;
  abuse_limits_ = limits;
}

Status RegistrationService::count_registration(const std::string& user_id, const std::string& ip) {
  if (!abuse_limiter_) return {};
  const Timestamp now = clock_.now();
  auto over = [&](const std::string& key, const RateRule& rule) -> std::optional<int> {
    if (rule.limit <= 0) return std::nullopt;
    return abuse_limiter_->hit(key, rule.limit, rule.window, now);
  };
  std::optional<int> retry = over("register:user:" + user_id, abuse_limits_.registrations_per_user);
  if (!retry)
    retry = over("register:addr:" + AccountService::address_key(ip),
                 abuse_limits_.registrations_per_address);
  if (!retry) return {};
  return too_many(*retry, "registration attempts");
}

int RegistrationService::cancel_upcoming_for_user(const std::string& user_id) {
  const Timestamp now = clock_.now();
  int cancelled = 0;
  for (const auto& r : store_.list_for_user(user_id, HistoryScope::upcoming, now)) {
    if (!holds_seats(r.status)) continue;
    if (store_.cancel(CancelRequest{r.id, false, now}, mails_)) {
      engine_.seats_returned(r.event_id);
      ++cancelled;
    }
  }
  return cancelled;
}

Result<WaitlistEntry> RegistrationService::join_waitlist(const Actor& actor, const std::string& event_id,
                                                         const WaitlistInput& in) {
  if (abuse_limiter_ && abuse_limits_.waitlist_joins_per_user.limit > 0) {
    const RateRule& rule = abuse_limits_.waitlist_joins_per_user;
    if (auto retry = abuse_limiter_->hit("waitlist:user:" + actor.user_id, rule.limit, rule.window,
                                         clock_.now()))
      return too_many(*retry, "waiting-list joins");
  }
  auto e = events_.find_event(event_id);
  if (!e || e->status == EventStatus::draft) return Error::not_found("event");
  const Timestamp now = clock_.now();
  if (e->status == EventStatus::cancelled) return Error::conflict("This event was cancelled.");
  if (e->ends_at <= now) return Error::conflict("This event is over.");
  FieldErrors errors;
  if (in.ticket_type_id) {
    const TicketType* t = find_type(*e, *in.ticket_type_id);
    if (!t || t->hidden) errors.add("ticket_type_id", "is not a ticket type of this event");
    else if (t->max_per_order && in.quantity > *t->max_per_order)
      errors.add("quantity", "must be at most " + std::to_string(*t->max_per_order));
  }
  if (in.quantity < 1 || in.quantity > RegistrationLimits::kQuantityMax ||
      (e->max_per_user && in.quantity > *e->max_per_user))
    errors.add("quantity", "must be between 1 and " +
                               std::to_string(e->max_per_user.value_or(RegistrationLimits::kQuantityMax)));
  if (!errors.empty()) return std::move(errors).to_error();
  WaitlistEntry w;
  w.id = new_id("wait");
  w.event_id = event_id;
  w.user_id = actor.user_id;
  w.ticket_type_id = in.ticket_type_id;
  w.quantity = in.quantity;
  w.created_at = w.updated_at = now;
  return store_.join_waitlist(w);
}

Result<WaitlistEntry> RegistrationService::get_waitlist(const Actor& actor, const std::string& event_id) {
  auto w = store_.find_waitlist(event_id, actor.user_id);
  if (!w) return Error::not_found("waiting list entry");
  return std::move(*w);
}

Status RegistrationService::leave_waitlist(const Actor& actor, const std::string& event_id) {
  auto done = store_.leave_waitlist(event_id, actor.user_id, clock_.now(), mails_);
  if (done) engine_.seats_returned(event_id);
  return done;
}

SweepResult RegistrationService::sweep_once() {
  SweepResult r = store_.sweep(clock_.now(), mails_);
  for (const auto& id : r.events_with_returned_seats) engine_.seats_returned(id);
  if (r.holds_expired || r.offers_expired || r.offers_made)
    log::info("registration sweep", {{"holds_expired", r.holds_expired},
                                     {"offers_expired", r.offers_expired},
                                     {"offers_made", r.offers_made}});
  return r;
}

void RegistrationService::start_sweeper(std::chrono::milliseconds interval) {
  std::lock_guard lock(sweeper_mu_);
  if (!sweeper_)
    sweeper_ = std::make_unique<BackgroundLoop>("sweeper", interval,
                                                BackgroundLoop::each([this] { sweep_once(); }));
  sweeper_->start();
}

void RegistrationService::stop_sweeper() {
  std::lock_guard lock(sweeper_mu_);
  if (sweeper_) sweeper_->stop();
}

}  // namespace admit
