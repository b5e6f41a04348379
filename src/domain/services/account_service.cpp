// The account services' shared context and the AccountService that composes them
// (account_service.hpp); the parts are in account_signup, account_sessions, account_profile,
// account_tokens and account_admin.
#include "domain/services/account_service.hpp"

#include <algorithm>

#include "common/random.hpp"
#include "domain/services/account_detail.hpp"
#include "domain/services/text.hpp"

namespace admit {

using account_detail::is_deleted;
using account_detail::json_string;
using account_detail::check_name;
using account_detail::check_email;
using account_detail::shorten;

namespace {

constexpr std::size_t kNameMax = 200;
constexpr std::size_t kEmailMax = 254;

}  // namespace

namespace account_detail {

std::string shorten(std::string_view s, std::size_t max) {
  std::string out;
  for (char c : s) {
    if (out.size() >= max) break;
    auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7F) ? ' ' : c;
  }
  return out;
}

void check_name(FieldErrors& errors, const std::string& name) {
  check_text(errors, "name", name, kNameMax, /*required=*/true);
}

void check_email(FieldErrors& errors, const std::string& email) {
  if (email.empty()) errors.add("email", "is required");
  else if (email.size() > kEmailMax || !is_plausible_email(email))
    errors.add("email", "must be an email address such as ada@example.com");
}

bool is_deleted(const User& u) {
  return u.password_hash.empty() && u.disabled && u.email.starts_with("deleted-") &&
         u.email.ends_with("@invalid");
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

}  // namespace account_detail

Error invalid_credentials_error() {
  return Error{ErrorCode::invalid_credentials, "The email or password is not correct.", {}};
}

Error link_gone_error() {
  return Error{ErrorCode::gone,
               "This link has expired or was already used. Ask for a new one.",
               {}};
}

AccountContext::AccountContext(AccountStore& accounts_in, UserStore& users_in, EventStore& events_in,
                               Passwords& passwords_in, RateLimiter& limiter_in, const Clock& clock_in,
                               AccountSettings settings_in)
    : accounts(accounts_in),
      users(users_in),
      events(events_in),
      passwords(passwords_in),
      limiter(limiter_in),
      clock(clock_in),
      settings(std::move(settings_in)) {}

AccountService::AccountService(AccountStore& accounts, UserStore& users, EventStore& events,
                               Passwords& passwords, RateLimiter& limiter, const Clock& clock,
                               AccountSettings settings)
    : context_(accounts, users, events, passwords, limiter, clock, std::move(settings)),
      signup_(context_),
      sessions_(context_),
      profile_(context_),
      tokens_(context_),
      admin_(context_) {}

std::string AccountContext::address_key(const std::string& ip) {
  if (ip.find(':') == std::string::npos) return ip;
  // IPv6: one subscriber usually holds a whole /64, so count per /64 prefix.
  std::string addr = ip;
  if (!addr.empty() && addr.front() == '[') addr = addr.substr(1, addr.find(']') - 1);
  if (addr.starts_with("::ffff:") && addr.find('.') != std::string::npos) return addr.substr(7);
  // Expand "::" enough to take the first four groups.
  std::vector<std::string> head, tail;
  auto dbl = addr.find("::");
  auto split = [](std::string_view s, std::vector<std::string>& out) {
    std::size_t start = 0;
    while (start < s.size()) {
      auto colon = s.find(':', start);
      if (colon == std::string_view::npos) colon = s.size();
      out.emplace_back(s.substr(start, colon - start));
      start = colon + 1;
    }
  };
  if (dbl == std::string::npos) {
    split(addr, head);
  } else {
    split(std::string_view(addr).substr(0, dbl), head);
    split(std::string_view(addr).substr(dbl + 2), tail);
    while (head.size() + tail.size() < 8) head.emplace_back("0");
    head.insert(head.end(), tail.begin(), tail.end());
  }
  std::string key;
  for (std::size_t i = 0; i < 4 && i < head.size(); ++i) {
    std::string group = head[i];
    std::transform(group.begin(), group.end(), group.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    group.erase(0, std::min(group.find_first_not_of('0'), group.size() ? group.size() - 1 : 0));
    key += group + ":";
  }
  return key + ":/64";
}

Status AccountContext::limit(const std::string& key, const RateRule& rule) {
  if (rule.limit <= 0) return {};
  if (auto retry = limiter.hit(key, rule.limit, rule.window, clock.now()))
    return Error::rate_limited(*retry);
  return {};
}

const std::string& AccountContext::dummy_hash() {
  // Made once with today's parameters, so verifying against it costs what a real
  // verification costs.
  std::call_once(dummy_once_, [this] { dummy_hash_ = passwords.hash(new_secret_token()); });
  return dummy_hash_;
}

void AccountContext::audit(AccountTx& tx, std::string kind, const std::optional<std::string>& actor,
                           const std::optional<std::string>& subject, const ClientInfo& client,
                           std::string detail) {
  AuditEntry e;
  e.id = new_id("aud");
  e.at = clock.now();
  e.actor_user_id = actor;
  e.kind = std::move(kind);
  e.subject = subject;
  e.ip = shorten(client.ip, 64);
  e.detail = std::move(detail);
  tx.audit(e);
}

Status AccountContext::transact(const std::function<Status(AccountTx&)>& fn, bool queues_mail) {
  Status s = accounts.transact(fn);
  if (s && queues_mail && mail_hook) mail_hook();
  return s;
}

}  // namespace admit
