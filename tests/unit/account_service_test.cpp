// AccountService rules with an injected ManualClock, a fast fake password hasher and the
// real SQL stores on a private in-memory SQLite database.
#include <gtest/gtest.h>

#include <set>

#include "app/open_database.hpp"
#include "auth/memory_rate_limiter.hpp"
#include "auth/password.hpp"
#include "common/random.hpp"
#include "domain/services/account_service.hpp"
#include "storage/sql/migrations.hpp"
#include "storage/sql/sql_account_store.hpp"
#include "storage/sql/sql_event_store.hpp"
#include "storage/sql/sql_user_store.hpp"

namespace admit {
namespace {

using namespace std::chrono_literals;

// Fast and observable: "fake$<password>" hashes, counts every call. "old$" hashes need a
// rehash, like argon2 hashes made with yesterday's parameters.
class FakePasswords final : public Passwords {
 public:
  std::optional<std::string> weakness(std::string_view p) const override {
    return auth::password_weakness(p);
  }
  std::string hash(std::string_view p) override {
    ++hashes;
    return "fake$" + std::string(p);
  }
  bool verify(const std::string& hash, std::string_view p) override {
    ++verifies;
    verified_hashes.push_back(hash);
    return hash == "fake$" + std::string(p) || hash == "old$" + std::string(p);
  }
  bool needs_rehash(const std::string& hash) override { return hash.starts_with("old$"); }

  int hashes = 0;
  int verifies = 0;
  std::vector<std::string> verified_hashes;
};

constexpr const char* kPassword = "Correct-Horse-42!";

class AccountServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = app::open_database("sqlite::memory:", {.pool_size = 1});
    sql::migrate(*db_);
    users_ = std::make_unique<sql::SqlUserStore>(*db_, credentials_);
    events_ = std::make_unique<sql::SqlEventStore>(*db_);
    store_ = std::make_unique<sql::SqlAccountStore>(*db_, credentials_);
    AccountSettings settings;
    settings.public_url = "https://tickets.example.org";
    service_ = std::make_unique<AccountService>(*store_, *users_, *events_, passwords_, limiter_,
                                                clock_, settings);
    service_->on_mail_queued([this] { ++mail_wakeups_; });
  }

  struct OutboxRow {
    std::string to, subject, text, html, cause;
  };
  std::vector<OutboxRow> outbox() {
    auto conn = db_->reader();
    std::vector<OutboxRow> out;
    for (const auto& r : conn->query(
             "SELECT recipient, subject, text_body, html_body, cause_key FROM outbox ORDER BY rowid"))
      out.push_back({r.text(0), r.text(1), r.text(2), r.text(3), r.text(4)});
    return out;
  }
  // The token of the newest link to `path` mailed to `to`.
  std::string link_token(const std::string& to, const std::string& path) {
    std::string token;
    const std::string prefix = "https://tickets.example.org" + path + "?token=";
    for (const auto& m : outbox()) {
      auto at = m.text.find(prefix);
      if (m.to == to && at != std::string::npos) token = m.text.substr(at + prefix.size(), 43);
    }
    return token;
  }

  Status signup(const std::string& email, const std::string& password = kPassword,
                const std::string& role = "attendee", const std::string& ip = "192.0.2.1") {
    auto pending = service_->signup().begin_signup({email, password, "Ada Lovelace", role}, {ip, "test"});
    if (!pending) return std::move(pending).error();
    return service_->signup().finish_signup(*pending);
  }

  Result<SignIn> login(const std::string& email, const std::string& password,
                       const std::string& ip = "192.0.2.1") {
    clock_.advance(1ms);  // audit entries of one test then sort by time
    auto pending = service_->sessions().begin_login(email, password, {ip, "Firefox/130"});
    if (!pending) return std::move(pending).error();
    return service_->sessions().finish_login(*pending);
  }

  // A verified account ready to sign in.
  User verified(const std::string& email) {
    EXPECT_TRUE(signup(email));
    EXPECT_TRUE(service_->signup().verify_email(link_token(email, "/verify"), {}));
    clock_.advance(1ms);
    return *users_->find_user_by_email(email);
  }

  Actor actor_of(const User& u) { return Actor{u.id, u.roles, std::nullopt}; }

  ManualClock clock_{*parse_rfc3339("2026-06-01T12:00:00Z")};
  FakePasswords passwords_;
  auth::MemoryRateLimiter limiter_;
  std::unique_ptr<sql::Database> db_;
  sql::CredentialsEpoch credentials_;
  std::unique_ptr<sql::SqlUserStore> users_;
  std::unique_ptr<sql::SqlEventStore> events_;
  std::unique_ptr<sql::SqlAccountStore> store_;
  std::unique_ptr<AccountService> service_;
  int mail_wakeups_ = 0;
};

TEST_F(AccountServiceTest, SignupValidatesAndNamesTheWeakPassword) {
  auto weak = signup("ada@example.com", "Password1!");
  ASSERT_FALSE(weak);
  EXPECT_EQ(weak.error().code, ErrorCode::validation_failed);
  ASSERT_EQ(weak.error().errors.size(), 1u);
  EXPECT_EQ(weak.error().errors[0].field, "password");
  auto bad = service_->signup().begin_signup({"not-an-email", kPassword, "", "admin"}, {});
  ASSERT_FALSE(bad);
  std::set<std::string> fields;
  for (const auto& e : bad.error().errors) fields.insert(e.field);
  EXPECT_EQ(fields, (std::set<std::string>{"email", "name", "role"}));
  EXPECT_EQ(passwords_.hashes, 0) << "nothing is hashed for an invalid request";
}

TEST_F(AccountServiceTest, SignupAnswersAlikeForNewAndTakenEmailsButMailsDifferently) {
  ASSERT_TRUE(signup("Ada@Example.com "));
  auto user = users_->find_user_by_email("ada@example.com");
  ASSERT_TRUE(user) << "the email is normalised";
  EXPECT_FALSE(user->email_verified_at);
  EXPECT_EQ(user->roles, (std::vector<std::string>{"attendee"}));
  ASSERT_EQ(outbox().size(), 1u);
  EXPECT_EQ(outbox()[0].subject, "Confirm your email address for admit");
  EXPECT_NE(outbox()[0].html.find("/verify?token="), std::string::npos);
  EXPECT_EQ(mail_wakeups_, 1);

  // Verified owner: a second sign-up succeeds the same way and the owner gets a notice.
  ASSERT_TRUE(service_->signup().verify_email(link_token("ada@example.com", "/verify"), {}));
  const int hashes_before = passwords_.hashes;
  ASSERT_TRUE(signup("ada@example.com", "Another-Pass-77?", "organizer"));
  EXPECT_EQ(passwords_.hashes, hashes_before + 1) << "a taken address costs a hash too";
  auto mails = outbox();
  ASSERT_EQ(mails.size(), 2u);
  EXPECT_EQ(mails[1].subject, "Sign-up attempt with your email address");
  EXPECT_EQ(users_->find_user_by_email("ada@example.com")->password_hash, "fake$" + std::string(kPassword))
      << "the account is unchanged";
  EXPECT_EQ(users_->find_user_by_email("ada@example.com")->roles, (std::vector<std::string>{"attendee"}));
}

TEST_F(AccountServiceTest, VerificationLinksAreSingleUseAndExpireAfter24Hours) {
  ASSERT_TRUE(signup("ada@example.com"));
  const std::string token = link_token("ada@example.com", "/verify");
  ASSERT_EQ(token.size(), 43u);
  {
    auto conn = db_->reader();
    auto rows = conn->query("SELECT id FROM one_time_tokens");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].text(0), sha256_hex(token)) << "stored hashed, never the secret";
  }
  auto ok = service_->signup().verify_email(token, {});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->email_verified_at, clock_.now());
  auto again = service_->signup().verify_email(token, {});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::gone);

  ASSERT_TRUE(signup("bob@example.com"));
  const std::string late = link_token("bob@example.com", "/verify");
  clock_.advance(24h);
  auto expired = service_->signup().verify_email(late, {});
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, ErrorCode::gone);
  // A fresh link works.
  ASSERT_TRUE(service_->signup().resend_verification("bob@example.com", {}));
  clock_.advance(24h - 1ms);
  EXPECT_TRUE(service_->signup().verify_email(link_token("bob@example.com", "/verify"), {}));
}

TEST_F(AccountServiceTest, UnknownEmailAndWrongPasswordFailIdenticallyAndDoTheSameWork) {
  verified("ada@example.com");
  passwords_.verified_hashes.clear();
  passwords_.verifies = 0;

  auto wrong = login("ada@example.com", "Wrong-Pass-1!");
  auto unknown = login("nobody@example.com", "Wrong-Pass-1!");
  ASSERT_FALSE(wrong);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(wrong.error().code, ErrorCode::invalid_credentials);
  EXPECT_EQ(unknown.error().code, wrong.error().code);
  EXPECT_EQ(unknown.error().detail, wrong.error().detail);
  EXPECT_EQ(unknown.error().errors, wrong.error().errors);
  // Each path verified exactly one hash; the unknown email used the dummy, which is a real
  // hash made with the same hasher (so it costs the same).
  ASSERT_EQ(passwords_.verifies, 2);
  EXPECT_EQ(passwords_.verified_hashes[0], "fake$" + std::string(kPassword));
  EXPECT_TRUE(passwords_.verified_hashes[1].starts_with("fake$"));
  EXPECT_NE(passwords_.verified_hashes[1], passwords_.verified_hashes[0]);
  // Both failures are audited.
  auto audit = store_->audit_entries(users_->find_user_by_email("ada@example.com")->id);
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit[0].kind, "signin_failed");
}

TEST_F(AccountServiceTest, UnverifiedAccountsSayWhyOnlyAfterTheRightPassword) {
  ASSERT_TRUE(signup("ada@example.com"));
  auto wrong = login("ada@example.com", "Wrong-Pass-1!");
  EXPECT_EQ(wrong.error().code, ErrorCode::invalid_credentials);
  auto right = login("ada@example.com", kPassword);
  ASSERT_FALSE(right);
  EXPECT_EQ(right.error().code, ErrorCode::email_not_verified);
}

TEST_F(AccountServiceTest, SignInMakesANewHashedSessionEachTime) {
  auto ada = verified("ada@example.com");
  auto first = login("ADA@example.com", kPassword);
  ASSERT_TRUE(first);
  auto second = login("ada@example.com", kPassword);
  ASSERT_TRUE(second);
  EXPECT_NE(first->secret, second->secret);
  EXPECT_EQ(first->secret.size(), 43u) << "256 bits, base64url";
  EXPECT_EQ(first->session.id, sha256_hex(first->secret));
  EXPECT_EQ(first->session.expires_at, first->session.created_at + 30 * 24h);
  auto found = store_->find_session(sha256_hex(first->secret));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->first.user_agent, "Firefox/130");
  auto auth = service_->sessions().authenticate_session(first->secret);
  ASSERT_TRUE(auth);
  EXPECT_EQ(auth->user.id, ada.id);
  EXPECT_FALSE(service_->sessions().authenticate_session(first->session.id)) << "the stored hash is no key";
  auto audit = store_->audit_entries(ada.id);
  EXPECT_EQ(audit[0].kind, "signin_succeeded");
}

TEST_F(AccountServiceTest, SessionsEndWhenIdleOrAtTheirAbsoluteExpiry) {
  verified("ada@example.com");
  auto s = login("ada@example.com", kPassword);
  ASSERT_TRUE(s);
  // Seen within the idle window: stays alive, last_seen written at most once a minute.
  clock_.advance(30s);
  ASSERT_TRUE(service_->sessions().authenticate_session(s->secret));
  EXPECT_EQ(store_->find_session(s->session.id)->first.last_seen_at, s->session.created_at);
  clock_.advance(31s);
  ASSERT_TRUE(service_->sessions().authenticate_session(s->secret));
  EXPECT_EQ(store_->find_session(s->session.id)->first.last_seen_at, clock_.now());
  // Idle for 7 days: gone.
  clock_.advance(7 * 24h);
  EXPECT_FALSE(service_->sessions().authenticate_session(s->secret));

  auto busy = login("ada@example.com", kPassword);
  ASSERT_TRUE(busy);
  for (int day = 0; day < 29; ++day) {
    clock_.advance(24h);
    ASSERT_TRUE(service_->sessions().authenticate_session(busy->secret)) << "day " << day;
  }
  clock_.advance(24h);
  EXPECT_FALSE(service_->sessions().authenticate_session(busy->secret)) << "30 days is the absolute end";
}

TEST_F(AccountServiceTest, SessionsAreKnownWithoutTheDatabaseOnlyWhenNoWriteIsDue) {
  verified("ada@example.com");
  auto s = login("ada@example.com", kPassword);
  ASSERT_TRUE(s);
  auto& sessions = service_->sessions();
  std::optional<SessionAuth> out;
  EXPECT_FALSE(sessions.authenticate_session_now(s->secret, out)) << "not looked up yet: only the database can tell";
  ASSERT_TRUE(sessions.authenticate_session(s->secret));
  ASSERT_TRUE(sessions.authenticate_session_now(s->secret, out));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->user.email, "ada@example.com");

  // A minute on, last_seen_at is due a write: that is the database's work, not a network thread's.
  clock_.advance(61s);
  EXPECT_FALSE(sessions.authenticate_session_now(s->secret, out));
  ASSERT_TRUE(sessions.authenticate_session(s->secret));
  ASSERT_TRUE(sessions.authenticate_session_now(s->secret, out));
  EXPECT_TRUE(out);

  // Idle past its window: known dead from the cached row.
  clock_.advance(7 * 24h + 1s);
  ASSERT_TRUE(sessions.authenticate_session_now(s->secret, out));
  EXPECT_FALSE(out);

  // Signed out: the cached row is gone at once; read again, it is known revoked.
  auto t = login("ada@example.com", kPassword);
  ASSERT_TRUE(t);
  ASSERT_TRUE(sessions.authenticate_session(t->secret));
  ASSERT_TRUE(sessions.authenticate_session_now(t->secret, out));
  EXPECT_TRUE(out);
  sessions.logout(t->session.id, {});
  EXPECT_FALSE(sessions.authenticate_session_now(t->secret, out));
  EXPECT_FALSE(sessions.authenticate_session(t->secret));
  ASSERT_TRUE(sessions.authenticate_session_now(t->secret, out));
  EXPECT_FALSE(out);

  // No secret can be that long: answered without a look-up.
  ASSERT_TRUE(sessions.authenticate_session_now(std::string(129, 'a'), out));
  EXPECT_FALSE(out);
}

TEST_F(AccountServiceTest, LogoutAndSignOutEverywhereRevoke) {
  auto ada = verified("ada@example.com");
  auto a = login("ada@example.com", kPassword);
  auto b = login("ada@example.com", kPassword);
  service_->sessions().logout(a->session.id, {});
  EXPECT_FALSE(service_->sessions().authenticate_session(a->secret));
  EXPECT_TRUE(service_->sessions().authenticate_session(b->secret));
  EXPECT_EQ(service_->sessions().sessions(actor_of(ada))->size(), 1u);
  ASSERT_TRUE(service_->sessions().sign_out_everywhere(actor_of(ada), {}));
  EXPECT_FALSE(service_->sessions().authenticate_session(b->secret));
  EXPECT_TRUE(service_->sessions().sessions(actor_of(ada))->empty());
}

TEST_F(AccountServiceTest, SignInIsRateLimitedPerAccountBeforeAnyHashing) {
  verified("ada@example.com");
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(login("ada@example.com", "Wrong-Pass-1!").ok());
  const int verifies = passwords_.verifies;
  auto limited = service_->sessions().begin_login("ada@example.com", kPassword, {"192.0.2.1", ""});
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error().code, ErrorCode::rate_limited);
  EXPECT_GE(limited.error().retry_after_seconds, 1);
  EXPECT_LE(limited.error().retry_after_seconds, 60);
  EXPECT_EQ(passwords_.verifies, verifies) << "refused before any password work";
  // Another account from the same address is not affected; the window ends.
  EXPECT_TRUE(service_->sessions().begin_login("bob@example.com", kPassword, {"192.0.2.1", ""}));
  clock_.advance(61s);
  EXPECT_TRUE(login("ada@example.com", kPassword));
}

TEST_F(AccountServiceTest, SignInIsRateLimitedPerAddress) {
  for (int i = 0; i < 100; ++i)
    ASSERT_TRUE(service_->sessions().begin_login("user" + std::to_string(i) + "@example.com", kPassword,
                                      {"2001:db8:1:2::" + std::to_string(i), ""}));
  auto limited = service_->sessions().begin_login("user-x@example.com", kPassword, {"2001:db8:1:2:ffff::1", ""});
  ASSERT_FALSE(limited) << "an IPv6 /64 counts as one address";
  EXPECT_EQ(limited.error().code, ErrorCode::rate_limited);
  EXPECT_TRUE(service_->sessions().begin_login("user-x@example.com", kPassword, {"2001:db8:1:3::1", ""}));
}

TEST_F(AccountServiceTest, PasswordResetIsEnumerationSafeSingleUseAndEndsSessions) {
  auto ada = verified("ada@example.com");
  auto session = login("ada@example.com", kPassword);
  const auto before = outbox().size();
  ASSERT_TRUE(service_->signup().request_password_reset("nobody@example.com", {}));
  EXPECT_EQ(outbox().size(), before) << "no mail for an unknown address, same answer";
  ASSERT_TRUE(service_->signup().request_password_reset("ada@example.com", {}));
  const std::string token = link_token("ada@example.com", "/reset-password");
  ASSERT_FALSE(token.empty());

  auto weak = service_->signup().begin_password_reset(token, "password", {});
  ASSERT_FALSE(weak);
  EXPECT_EQ(weak.error().errors.at(0).field, "password");

  auto pending = service_->signup().begin_password_reset(token, "New-Secret-99?", {});
  ASSERT_TRUE(pending);
  ASSERT_TRUE(service_->signup().finish_password_reset(*pending));
  EXPECT_FALSE(service_->sessions().authenticate_session(session->secret)) << "every session ends";
  EXPECT_FALSE(login("ada@example.com", kPassword));
  EXPECT_TRUE(login("ada@example.com", "New-Secret-99?"));
  auto reused = service_->signup().finish_password_reset(*service_->signup().begin_password_reset(token, "Other-Secret-1?", {}));
  ASSERT_FALSE(reused);
  EXPECT_EQ(reused.error().code, ErrorCode::gone);
  EXPECT_EQ(outbox().back().subject, "Your admit password was changed");

  ASSERT_TRUE(service_->signup().request_password_reset("ada@example.com", {}));
  const std::string late = link_token("ada@example.com", "/reset-password");
  clock_.advance(24h);
  auto expired = service_->signup().finish_password_reset(*service_->signup().begin_password_reset(late, "Other-Secret-1?", {}));
  EXPECT_EQ(expired.error().code, ErrorCode::gone);
  (void)ada;
}

TEST_F(AccountServiceTest, ProfileChangesNeedTheCurrentPasswordForEmailAndPassword) {
  auto ada = verified("ada@example.com");
  auto here = login("ada@example.com", kPassword);
  auto elsewhere = login("ada@example.com", kPassword);

  auto name_only = service_->profile().begin_update_profile(actor_of(ada), here->session.id,
                                                  {std::string("Ada L."), {}, {}, {}}, {});
  ASSERT_TRUE(name_only);
  EXPECT_FALSE(name_only->needs_password_check);
  EXPECT_EQ(service_->profile().finish_update_profile(*name_only)->name, "Ada L.");

  auto missing = service_->profile().begin_update_profile(actor_of(ada), here->session.id,
                                                {{}, {}, std::string("New-Secret-99?"), {}}, {});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().errors.at(0).field, "current_password");

  auto wrong = service_->profile().finish_update_profile(*service_->profile().begin_update_profile(
      actor_of(ada), here->session.id, {{}, {}, std::string("New-Secret-99?"), std::string("nope")}, {}));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().errors.at(0).field, "current_password");

  clock_.advance(1ms);
  auto changed = service_->profile().finish_update_profile(*service_->profile().begin_update_profile(
      actor_of(ada), here->session.id, {{}, {}, std::string("New-Secret-99?"), std::string(kPassword)}, {}));
  ASSERT_TRUE(changed);
  EXPECT_TRUE(service_->sessions().authenticate_session(here->secret)) << "this session stays";
  EXPECT_FALSE(service_->sessions().authenticate_session(elsewhere->secret)) << "other sessions end";
  EXPECT_EQ(store_->audit_entries(ada.id)[0].kind, "password_changed");
}

TEST_F(AccountServiceTest, EmailChangesAreVerifiedAtTheNewAddress) {
  auto ada = verified("ada@example.com");
  verified("bob@example.com");
  auto taken = service_->profile().finish_update_profile(*service_->profile().begin_update_profile(
      actor_of(ada), std::nullopt, {{}, std::string("bob@example.com"), {}, std::string(kPassword)}, {}));
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().errors.at(0).field, "email");

  auto changed = service_->profile().finish_update_profile(*service_->profile().begin_update_profile(
      actor_of(ada), std::nullopt, {{}, std::string("ada@new.example"), {}, std::string(kPassword)}, {}));
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->email, "ada@new.example");
  EXPECT_FALSE(changed->email_verified_at);
  auto mails = outbox();
  bool notice_to_old = false;
  for (const auto& m : mails) notice_to_old = notice_to_old || (m.to == "ada@example.com" && m.subject.find("changed") != std::string::npos);
  EXPECT_TRUE(notice_to_old);
  const std::string token = link_token("ada@new.example", "/verify");
  ASSERT_FALSE(token.empty());
  auto verified_user = service_->signup().verify_email(token, {});
  ASSERT_TRUE(verified_user);
  EXPECT_EQ(verified_user->email, "ada@new.example");
  EXPECT_TRUE(verified_user->email_verified_at);
  bool audited = false;
  for (const auto& e : store_->audit_entries(ada.id)) audited = audited || e.kind == "email_changed";
  EXPECT_TRUE(audited);
}

TEST_F(AccountServiceTest, RehashesAtSignInWhenParametersChanged) {
  auto ada = verified("ada@example.com");
  ASSERT_TRUE(store_->transact([&](AccountTx& tx) -> Status {
    auto u = *tx.find_user(ada.id);
    u.password_hash = "old$" + std::string(kPassword);
    return tx.update_user(u);
  }));
  ASSERT_TRUE(login("ada@example.com", kPassword));
  EXPECT_EQ(users_->find_user(ada.id)->password_hash, "fake$" + std::string(kPassword));
}

TEST_F(AccountServiceTest, DeletingAnAccountErasesItAndEndsEverything) {
  auto ada = verified("ada@example.com");
  auto s = login("ada@example.com", kPassword);
  auto token = service_->tokens().create_api_token(actor_of(ada), "laptop", std::nullopt, {});
  ASSERT_TRUE(token);
  ASSERT_TRUE(service_->profile().delete_account(actor_of(ada), {}));
  EXPECT_FALSE(service_->sessions().authenticate_session(s->secret));
  EXPECT_FALSE(users_->find_token_by_hash(sha256_hex(token->secret)));
  auto u = users_->find_user(ada.id);
  EXPECT_EQ(u->name, "Deleted user");
  EXPECT_EQ(login("ada@example.com", kPassword).error().code, ErrorCode::invalid_credentials);
  EXPECT_TRUE(signup("ada@example.com")) << "the address is free again";
}

TEST_F(AccountServiceTest, TokenExpiryMustBeInTheFutureAndIsStored) {
  auto ada = verified("ada@example.com");
  const Timestamp now = clock_.now();
  for (Timestamp bad : {now, now - 1ms, now - 24h}) {
    auto refused = service_->tokens().create_api_token(actor_of(ada), "door", std::nullopt, {}, bad);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::validation_failed);
    ASSERT_EQ(refused.error().errors.size(), 1u);
    EXPECT_EQ(refused.error().errors[0].field, "expires_at");
    auto cli = service_->tokens().create_api_token_from_command_line("ada@example.com", "door", std::nullopt, bad);
    ASSERT_FALSE(cli);
    EXPECT_EQ(cli.error().errors.at(0).field, "expires_at");
  }
  EXPECT_TRUE(service_->tokens().api_tokens(actor_of(ada))->empty()) << "no token was made";
  auto made = service_->tokens().create_api_token(actor_of(ada), "door", std::nullopt, {}, now + 1h);
  ASSERT_TRUE(made);
  auto listed = service_->tokens().api_tokens(actor_of(ada));
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().expires_at, now + 1h);
  EXPECT_FALSE(listed->front().expired(now + 1h - 1ms));
  EXPECT_TRUE(listed->front().expired(now + 1h));
  // The store answers it (not revoked); whoever authenticates compares the expiry.
  auto found = users_->find_token_by_hash(sha256_hex(made->secret));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->first.expires_at, now + 1h);
  auto forever = service_->tokens().create_api_token(actor_of(ada), "forever", std::nullopt, {});
  ASSERT_TRUE(forever);
  EXPECT_FALSE(forever->token.expires_at);
}

TEST_F(AccountServiceTest, ApiTokensAreOwnedScopedAndAudited) {
  auto ada = verified("ada@example.com");
  auto bob = verified("bob@example.com");
  auto created = service_->tokens().create_api_token(actor_of(ada), " door scanner ", std::nullopt, {});
  ASSERT_TRUE(created);
  EXPECT_EQ(created->token.name, "door scanner");
  EXPECT_EQ(created->token.token_hash, sha256_hex(created->secret));
  EXPECT_EQ(service_->tokens().api_tokens(actor_of(ada))->size(), 1u);
  EXPECT_TRUE(service_->tokens().api_tokens(actor_of(bob))->empty());
  EXPECT_EQ(service_->tokens().revoke_api_token(actor_of(bob), created->token.id, {}).error().code,
            ErrorCode::not_found)
      << "another user's token is not found";
  auto bad_event = service_->tokens().create_api_token(actor_of(ada), "x", std::string("evt_missing"), {});
  EXPECT_EQ(bad_event.error().errors.at(0).field, "event_id");
  Actor scoped{ada.id, ada.roles, std::string("evt_1")};
  EXPECT_EQ(service_->tokens().create_api_token(scoped, "x", std::nullopt, {}).error().code, ErrorCode::forbidden);
  clock_.advance(1ms);
  ASSERT_TRUE(service_->tokens().revoke_api_token(actor_of(ada), created->token.id, {}));
  auto audit = store_->audit_entries(created->token.id);
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0].kind, "token_revoked");
  EXPECT_EQ(audit[1].kind, "token_created");
}

TEST_F(AccountServiceTest, PurgeDeletesSessionsAndLinksADayAfterTheyEnded) {
  verified("ada@example.com");  // its verification link is used now
  auto out = login("ada@example.com", kPassword);
  ASSERT_TRUE(out);
  service_->sessions().logout(out->session.id, {});
  auto live = login("ada@example.com", kPassword);
  ASSERT_TRUE(live);
  clock_.advance(23h);
  EXPECT_EQ(service_->sessions().purge_expired(), 0) << "ended less than a day ago";
  clock_.advance(2h);
  EXPECT_EQ(service_->sessions().purge_expired(), 2) << "the signed-out session and the used link";
  ASSERT_TRUE(service_->sessions().authenticate_session(live->secret));  // last seen now
  // Idle for 7 days ends a session; a day later it is purged.
  clock_.advance(8 * 24h);
  EXPECT_EQ(service_->sessions().purge_expired(), 0) << "ended exactly a day ago";
  clock_.advance(1min);
  EXPECT_EQ(service_->sessions().purge_expired(), 1);
  EXPECT_FALSE(service_->sessions().authenticate_session(live->secret));
}

TEST_F(AccountServiceTest, CommandLineTokensAreAuditedLikeTheApis) {
  auto ada = verified("ada@example.com");
  auto created = service_->tokens().create_api_token_from_command_line("ADA@example.com", "command line",
                                                              std::nullopt);
  ASSERT_TRUE(created);
  EXPECT_EQ(created->token.user_id, ada.id);
  EXPECT_EQ(created->token.token_hash, sha256_hex(created->secret));
  EXPECT_EQ(service_->tokens().api_tokens(actor_of(ada))->size(), 1u);
  auto audit = store_->audit_entries(created->token.id);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].kind, "token_created");
  EXPECT_FALSE(audit[0].actor_user_id) << "the operator at the command line, not the user";
  EXPECT_EQ(audit[0].detail, "{\"via\":\"command_line\",\"user_id\":\"" + ada.id + "\"}");

  EXPECT_EQ(service_->tokens().create_api_token_from_command_line("nobody@example.com", "x", std::nullopt)
                .error()
                .code,
            ErrorCode::not_found);
  EXPECT_EQ(service_->tokens().create_api_token_from_command_line("ada@example.com", "x", std::string("evt_missing"))
                .error()
                .errors.at(0)
                .field,
            "event_id");
  EXPECT_EQ(service_->tokens().api_tokens(actor_of(ada))->size(), 1u) << "failures create nothing";
}

TEST_F(AccountServiceTest, AdminsDisableAccountsWhichEndsTheirSessions) {
  auto ada = verified("ada@example.com");
  auto admin = verified("root@example.com");
  ASSERT_TRUE(service_->admin().change_role(std::nullopt, "root@example.com", "admin", true));
  admin = *users_->find_user(admin.id);
  auto s = login("ada@example.com", kPassword);
  EXPECT_EQ(service_->admin().set_disabled(actor_of(ada), admin.id, true, {}).error().code, ErrorCode::forbidden);
  EXPECT_EQ(service_->admin().list_users(actor_of(ada), {}).error().code, ErrorCode::forbidden);
  ASSERT_TRUE(service_->admin().set_disabled(actor_of(admin), ada.id, true, {}));
  EXPECT_FALSE(service_->sessions().authenticate_session(s->secret));
  EXPECT_EQ(login("ada@example.com", kPassword).error().code, ErrorCode::account_disabled);
  EXPECT_EQ(login("ada@example.com", "Wrong-Pass-1!").error().code, ErrorCode::invalid_credentials);
  EXPECT_EQ(service_->admin().list_users(actor_of(admin), {})->items.size(), 2u);
  ASSERT_TRUE(service_->admin().set_disabled(actor_of(admin), ada.id, false, {}));
  EXPECT_TRUE(login("ada@example.com", kPassword));
  auto audit = store_->audit_entries(admin.id);
  bool role_added = false;
  for (const auto& e : audit) role_added = role_added || e.kind == "role_added";
  EXPECT_TRUE(role_added);
}

TEST(AccountAddressKey, GroupsIpv6By64AndKeepsIpv4) {
  EXPECT_EQ(AccountService::address_key("192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(AccountService::address_key("2001:db8:1:2::1"), AccountService::address_key("2001:0db8:1:2:ffff:1:2:3"));
  EXPECT_NE(AccountService::address_key("2001:db8:1:2::1"), AccountService::address_key("2001:db8:1:3::1"));
  EXPECT_EQ(AccountService::address_key("::ffff:192.0.2.7"), "192.0.2.7");
}

}  // namespace
}  // namespace admit
