// Store conformance: sessions, one-time tokens, the audit log, the mail outbox and the
// shared rate-limit counters, on every backend (ADMIT_TEST_BACKEND).
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "common/random.hpp"
#include "storage/sql/outbox.hpp"
#include "storage/sql/sql_account_store.hpp"
#include "storage/sql/sql_outbox_store.hpp"
#include "storage/sql/sql_rate_limiter.hpp"
#include "storage/sql/sql_user_store.hpp"
#include "support/test_database.hpp"
#include "support/test_users.hpp"

namespace admit {
namespace {

using namespace std::chrono_literals;

class AccountStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = test::open_test_database();
    users_ = std::make_unique<sql::SqlUserStore>(*db_, credentials_);
    accounts_ = std::make_unique<sql::SqlAccountStore>(*db_, credentials_);
    outbox_ = std::make_unique<sql::SqlOutboxStore>(*db_);
  }

  User add_user(const std::string& email) {
    User u = test::test_user(email, {"attendee"}, now_);
    EXPECT_TRUE(users_->create_user(u));
    return u;
  }

  Session make_session(const User& u, const std::string& secret) {
    Session s;
    s.id = sha256_hex(secret);
    s.handle = "ses_" + secret;
    s.user_id = u.id;
    s.created_at = s.last_seen_at = now_;
    s.expires_at = now_ + 30 * 24h;
    s.user_agent = "Firefox";
    s.ip = "127.0.0.1";
    return s;
  }

  Status tx(const std::function<Status(AccountTx&)>& fn) { return accounts_->transact(fn); }

  // One session of `u` for `secret`, in a transaction of its own.
  void add_session(const User& u, const std::string& secret) {
    ASSERT_TRUE(tx([&](AccountTx& t) -> Status {
      t.insert_session(make_session(u, secret));
      return {};
    }));
  }

  Mail mail(const std::string& cause, const std::string& to = "ada@example.com") {
    return Mail{to, "Subject " + cause, "text " + cause, "<p>html</p>", cause};
  }

  std::int64_t outbox_rows() {
    auto conn = db_->reader();
    return conn->query("SELECT COUNT(*) FROM outbox")[0].i64(0);
  }

  Timestamp now_ = *parse_rfc3339("2026-06-01T12:00:00Z");
  std::unique_ptr<sql::Database> db_;
  sql::CredentialsEpoch credentials_;
  std::unique_ptr<sql::SqlUserStore> users_;
  std::unique_ptr<sql::SqlAccountStore> accounts_;
  std::unique_ptr<sql::SqlOutboxStore> outbox_;
};

TEST_F(AccountStoreTest, SessionsAreFoundListedTouchedAndRevoked) {
  auto ada = add_user("ada@example.com");
  auto bob = add_user("bob@example.com");
  ASSERT_TRUE(tx([&](AccountTx& t) -> Status {
    t.insert_session(make_session(ada, "one"));
    auto second = make_session(ada, "two");
    second.created_at = now_ + 1s;
    t.insert_session(second);
    t.insert_session(make_session(bob, "three"));
    return {};
  }));
  auto found = accounts_->find_session(sha256_hex("one"));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->first.user_id, ada.id);
  EXPECT_EQ(found->first.user_agent, "Firefox");
  EXPECT_EQ(found->second.email, "ada@example.com");
  EXPECT_FALSE(accounts_->find_session(sha256_hex("nope")));

  accounts_->touch_session(sha256_hex("one"), now_ + 5min);
  EXPECT_EQ(accounts_->find_session(sha256_hex("one"))->first.last_seen_at, now_ + 5min);

  auto list = accounts_->list_sessions(ada.id, now_);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, sha256_hex("two")) << "newest first";
  EXPECT_EQ(list[0].handle, "ses_two") << "the public handle comes back with it";
  EXPECT_TRUE(accounts_->list_sessions(ada.id, now_ + 31 * 24h).empty()) << "expired ones are left out";

  // Revoked by the public handle, never by the stored hash. Another user's session is not
  // found; a revoked one is not revoked twice.
  EXPECT_EQ(accounts_->revoke_session(ada.id, sha256_hex("one"), now_).error().code, ErrorCode::not_found);
  EXPECT_EQ(accounts_->revoke_session(bob.id, "ses_one", now_).error().code, ErrorCode::not_found);
  ASSERT_TRUE(accounts_->revoke_session(ada.id, "ses_one", now_));
  EXPECT_FALSE(accounts_->revoke_session(ada.id, "ses_one", now_));
  EXPECT_TRUE(accounts_->find_session(sha256_hex("one"))->first.revoked_at);
  EXPECT_EQ(accounts_->list_sessions(ada.id, now_).size(), 1u);

  // Revoking all but one, then all.
  ASSERT_TRUE(tx([&](AccountTx& t) -> Status {
    t.insert_session(make_session(ada, "four"));
    EXPECT_EQ(t.revoke_sessions(ada.id, now_, sha256_hex("four")), 1);
    return {};
  }));
  ASSERT_EQ(accounts_->list_sessions(ada.id, now_).size(), 1u);
  ASSERT_TRUE(tx([&](AccountTx& t) -> Status {
    EXPECT_EQ(t.revoke_sessions(ada.id, now_), 1);
    return {};
  }));
  EXPECT_TRUE(accounts_->list_sessions(ada.id, now_).empty());
  EXPECT_EQ(accounts_->list_sessions(bob.id, now_).size(), 1u) << "other users keep theirs";
}

TEST_F(AccountStoreTest, SessionPeeksAnswerOnlyFromAFreshLookupAndSeeEveryWriteAtOnce) {
  auto ada = add_user("ada@example.com");
  const std::string id = sha256_hex("cached");
  ASSERT_NO_FATAL_FAILURE(add_session(ada, "cached"));
  EXPECT_FALSE(accounts_->peek_session(id)) << "never looked up: the caller must read";
  ASSERT_TRUE(accounts_->find_session(id));
  auto peeked = accounts_->peek_session(id);
  ASSERT_TRUE(peeked);
  EXPECT_EQ(peeked->first.handle, "ses_cached");
  EXPECT_EQ(peeked->second.id, ada.id);
  EXPECT_FALSE(accounts_->peek_session(sha256_hex("unknown")));
  EXPECT_FALSE(accounts_->find_session(sha256_hex("unknown")));
  EXPECT_FALSE(accounts_->peek_session(sha256_hex("unknown"))) << "unknown sessions are never cached";

  // A touch through the store moves the cached copy too.
  accounts_->touch_session(id, now_ + 2min);
  ASSERT_TRUE(accounts_->peek_session(id));
  EXPECT_EQ(accounts_->peek_session(id)->first.last_seen_at, now_ + 2min);

  // The account disabled through another store sharing the epoch: forgotten at once.
  sql::SqlUserStore other_users(*db_, credentials_);
  ada.disabled = true;
  ASSERT_TRUE(other_users.update_user(ada));
  EXPECT_FALSE(accounts_->peek_session(id));
  auto reread = accounts_->find_session(id);
  ASSERT_TRUE(reread);
  EXPECT_TRUE(reread->second.disabled);

  // Signed out (revoked by its handle) through another account store: forgotten at once.
  ASSERT_TRUE(accounts_->peek_session(id));
  sql::SqlAccountStore other_accounts(*db_, credentials_);
  ASSERT_TRUE(other_accounts.revoke_session(ada.id, "ses_cached", now_));
  EXPECT_FALSE(accounts_->peek_session(id));
  auto revoked = accounts_->find_session(id);
  ASSERT_TRUE(revoked);
  EXPECT_TRUE(revoked->first.revoked_at);

  // "Sign out everywhere" runs in a transaction: forgotten at once as well.
  ASSERT_NO_FATAL_FAILURE(add_session(ada, "second"));
  ASSERT_TRUE(accounts_->find_session(sha256_hex("second")));
  ASSERT_TRUE(other_accounts.transact([&](AccountTx& t) -> Status {
    EXPECT_EQ(t.revoke_sessions(ada.id, now_), 1);
    return {};
  }));
  EXPECT_FALSE(accounts_->peek_session(sha256_hex("second")));
  EXPECT_TRUE(accounts_->find_session(sha256_hex("second"))->first.revoked_at);
}

TEST_F(AccountStoreTest, ASessionRevokedByAnotherProcessIsSeenWithinTheCacheTime) {
  auto ada = add_user("ada@example.com");
  const std::string id = sha256_hex("elsewhere");
  ASSERT_NO_FATAL_FAILURE(add_session(ada, "elsewhere"));
  ASSERT_TRUE(accounts_->find_session(id));
  // Another node (its own epoch) signs the session out.
  sql::CredentialsEpoch other_epoch;
  sql::SqlAccountStore other_node(*db_, other_epoch);
  ASSERT_TRUE(other_node.revoke_session(ada.id, "ses_elsewhere", now_));
  std::this_thread::sleep_for(sql::SqlAccountStore::kSessionCacheTtl + 50ms);
  EXPECT_FALSE(accounts_->peek_session(id));
  auto found = accounts_->find_session(id);
  ASSERT_TRUE(found);
  EXPECT_TRUE(found->first.revoked_at) << "read again after the cache time";
}

TEST_F(AccountStoreTest, OneTimeTokensAreSingleUseAndExpire) {
  auto ada = add_user("ada@example.com");
  auto token = [&](const std::string& secret, OneTimeKind kind) {
    return OneTimeToken{sha256_hex(secret), kind, ada.id, ada.email, now_, now_ + 24h, std::nullopt};
  };
  ASSERT_TRUE(tx([&](AccountTx& t) -> Status {
    t.insert_one_time_token(token("verify", OneTimeKind::verify_email));
    t.insert_one_time_token(token("reset", OneTimeKind::reset_password));
    t.insert_one_time_token(token("late", OneTimeKind::verify_email));
    t.insert_one_time_token(token("other", OneTimeKind::reset_password));
    return {};
  }));
  auto use = [&](const std::string& secret, OneTimeKind kind, Timestamp at) {
    std::optional<OneTimeToken> got;
    EXPECT_TRUE(tx([&](AccountTx& t) -> Status {
      got = t.use_one_time_token(sha256_hex(secret), kind, at);
      return {};
    }));
    return got;
  };
  // The wrong kind does not consume it.
  EXPECT_FALSE(use("verify", OneTimeKind::reset_password, now_));
  auto first = use("verify", OneTimeKind::verify_email, now_ + 1h);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->user_id, ada.id);
  EXPECT_EQ(first->payload, "ada@example.com");
  EXPECT_FALSE(use("verify", OneTimeKind::verify_email, now_ + 2h)) << "single use";
  EXPECT_FALSE(use("late", OneTimeKind::verify_email, now_ + 24h)) << "expired at 24 h";
  EXPECT_FALSE(use("unknown", OneTimeKind::verify_email, now_));

  // A rolled-back transaction leaves the token unused.
  Status failed = tx([&](AccountTx& t) -> Status {
    EXPECT_TRUE(t.use_one_time_token(sha256_hex("reset"), OneTimeKind::reset_password, now_));
    return Error::conflict("changed my mind");
  });
  EXPECT_FALSE(failed);
  ASSERT_TRUE(tx([&](AccountTx& t) -> Status {
    t.discard_one_time_tokens(ada.id, OneTimeKind::reset_password, now_);
    return {};
  }));
  EXPECT_FALSE(use("reset", OneTimeKind::reset_password, now_)) << "discarded";
  EXPECT_FALSE(use("other", OneTimeKind::reset_password, now_)) << "discarded";
}

TEST_F(AccountStoreTest, ConcurrentUsesOfOneTokenSucceedOnce) {
  auto ada = add_user("ada@example.com");
  ASSERT_TRUE(tx([&](AccountTx& t) -> Status {
    t.insert_one_time_token(OneTimeToken{sha256_hex("race"), OneTimeKind::reset_password, ada.id,
                                         ada.email, now_, now_ + 24h, std::nullopt});
    return {};
  }));
  std::atomic<int> wins{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      (void)tx([&](AccountTx& t) -> Status {
        if (t.use_one_time_token(sha256_hex("race"), OneTimeKind::reset_password, now_)) ++wins;
        return {};
      });
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(wins.load(), 1);
}

TEST_F(AccountStoreTest, UsersAreUpdatedInTransactionsAndEmailClashesAreFieldErrors) {
  auto ada = add_user("ada@example.com");
  add_user("bob@example.com");
  Status clash = tx([&](AccountTx& t) -> Status {
    auto u = *t.find_user(ada.id);
    u.email = "bob@example.com";
    return t.update_user(u);
  });
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().code, ErrorCode::validation_failed);
  EXPECT_EQ(clash.error().errors.at(0).field, "email");
  Status dup = tx([&](AccountTx& t) -> Status {
    User u = ada;
    u.id = new_id("usr");
    return t.insert_user(u);
  });
  EXPECT_EQ(dup.error().code, ErrorCode::conflict);
  ASSERT_TRUE(tx([&](AccountTx& t) -> Status {
    auto u = *t.find_user_by_email("ada@example.com");
    u.name = "Ada L.";
    u.email_verified_at = now_;
    return t.update_user(u);
  }));
  EXPECT_EQ(users_->find_user(ada.id)->name, "Ada L.");
  EXPECT_EQ(users_->find_user(ada.id)->email_verified_at, now_);
}

TEST_F(AccountStoreTest, ErasingAUserKeepsTheRowWithoutPersonalData) {
  auto ada = add_user("ada@example.com");
  ASSERT_TRUE(tx([&](AccountTx& t) -> Status {
    t.queue_mail(mail("sent-one"), now_);
    t.queue_mail(mail("unsent-one"), now_ + 1s);
    t.queue_mail(mail("someone-else", "bob@example.com"), now_ + 2s);
    return {};
  }));
  auto claimed = outbox_->claim_due("node-a", now_ + 1min, 5min, 1);
  ASSERT_EQ(claimed.size(), 1u);
  ASSERT_EQ(outbox_->mark_sent({claimed[0].message.id}, "node-a", now_ + 1min), 1);
  ASSERT_TRUE(tx([&](AccountTx& t) -> Status {
    t.erase_user(ada.id, now_);
    return {};
  }));
  auto u = users_->find_user(ada.id);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->email, "deleted-" + ada.id + "@invalid");
  EXPECT_EQ(u->name, "Deleted user");
  EXPECT_TRUE(u->password_hash.empty());
  EXPECT_TRUE(u->disabled);
  EXPECT_FALSE(users_->find_user_by_email("ada@example.com"));
  auto conn = db_->reader();
  EXPECT_EQ(conn->query("SELECT COUNT(*) FROM outbox WHERE recipient = 'ada@example.com'")[0].i64(0), 0);
  EXPECT_EQ(outbox_rows(), 2) << "the unsent mail to the address is dropped, the sent one scrubbed";
  add_user("bob@example.com");
  auto page = accounts_->list_users({});
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 1u) << "deleted accounts are not listed";
  EXPECT_EQ(page->items[0].email, "bob@example.com");
}

TEST_F(AccountStoreTest, ApiTokensAndAuditEntries) {
  auto ada = add_user("ada@example.com");
  ApiToken token{new_id("tok"), ada.id, "scanner", sha256_hex("secret"), "evt_1", now_, {}, {}};
  ASSERT_TRUE(tx([&](AccountTx& t) -> Status {
    t.insert_api_token(token);
    return {};
  }));
  EXPECT_TRUE(users_->find_token_by_hash(sha256_hex("secret")));  // cached: the revocation below clears it
  ASSERT_TRUE(tx([&](AccountTx& t) -> Status {
    t.audit(AuditEntry{new_id("aud"), now_, ada.id, "token_created", token.id, "10.0.0.1", "{\"x\":1}"});
    t.audit(AuditEntry{new_id("aud"), now_ + 1s, ada.id, "token_revoked", token.id, "10.0.0.1", "{}"});
    EXPECT_FALSE(t.revoke_api_token("usr_other", token.id, now_));
    EXPECT_TRUE(t.revoke_api_token(ada.id, token.id, now_));
    EXPECT_FALSE(t.revoke_api_token(ada.id, token.id, now_));
    return {};
  }));
  EXPECT_FALSE(users_->find_token_by_hash(sha256_hex("secret")));
  auto entries = accounts_->audit_entries(token.id);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].kind, "token_revoked") << "newest first";
  EXPECT_EQ(entries[1].detail, "{\"x\":1}");
  EXPECT_EQ(entries[1].actor_user_id, ada.id);
  EXPECT_EQ(entries[1].ip, "10.0.0.1");
}

TEST_F(AccountStoreTest, UsersArePagedNewestFirstAndSearchable) {
  for (int i = 0; i < 5; ++i) {
    User u = test::test_user("user" + std::to_string(i) + "@example.com", {"attendee"}, now_ + std::chrono::seconds(i),
                             i == 3 ? "Grace Hopper" : "Someone");
    ASSERT_TRUE(users_->create_user(u));
  }
  auto first = accounts_->list_users({std::nullopt, 2, std::nullopt});
  ASSERT_TRUE(first);
  ASSERT_EQ(first->items.size(), 2u);
  EXPECT_EQ(first->items[0].email, "user4@example.com");
  ASSERT_TRUE(first->next_cursor);
  auto second = accounts_->list_users({std::nullopt, 2, first->next_cursor});
  ASSERT_TRUE(second);
  EXPECT_EQ(second->items[0].email, "user2@example.com");
  auto third = accounts_->list_users({std::nullopt, 2, second->next_cursor});
  EXPECT_EQ(third->items.size(), 1u);
  EXPECT_FALSE(third->next_cursor);
  auto found = accounts_->list_users({std::string("HOPPER"), 10, std::nullopt});
  ASSERT_EQ(found->items.size(), 1u);
  EXPECT_EQ(found->items[0].email, "user3@example.com");
  EXPECT_EQ(accounts_->list_users({std::string("100%_"), 10, std::nullopt})->items.size(), 0u);
  auto bad = accounts_->list_users({std::nullopt, 10, std::string("garbage")});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().errors.at(0).field, "cursor");
}

TEST_F(AccountStoreTest, OutboxEnqueueIsIdempotentPerCauseAndRollsBackWithItsTransaction) {
  {
    auto conn = db_->writer();
    EXPECT_TRUE(sql::enqueue_mail(*conn, {"a@example.com", "s", "t", "h", "verify:1"}, now_));
    EXPECT_FALSE(sql::enqueue_mail(*conn, {"a@example.com", "s2", "t2", "h2", "verify:1"}, now_))
        << "the same cause never yields two mails";
    EXPECT_TRUE(sql::enqueue_mail(*conn, {"a@example.com", "s", "t", "h", "verify:2"}, now_));
  }
  EXPECT_EQ(outbox_rows(), 2);
  Status rolled_back = tx([&](AccountTx& t) -> Status {
    EXPECT_TRUE(t.queue_mail(mail("verify:3"), now_));
    return Error::conflict("no");
  });
  EXPECT_FALSE(rolled_back);
  EXPECT_EQ(outbox_rows(), 2) << "mail exists exactly when its change does";
}

TEST_F(AccountStoreTest, OutboxClaimsLeaseRetryAndMarkSent) {
  {
    auto conn = db_->writer();
    for (int i = 0; i < 3; ++i)
      sql::enqueue_mail(*conn, {"a@example.com", "s" + std::to_string(i), "text", "", "c" + std::to_string(i)},
                        now_ + std::chrono::seconds(i));
  }
  // Not due yet for a clock before the first row.
  EXPECT_TRUE(outbox_->claim_due("node-a", now_ - 1s, 1min, 10).empty());
  auto a = outbox_->claim_due("node-a", now_ + 10s, 1min, 2);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].message.subject, "s0") << "oldest due first";
  EXPECT_EQ(a[0].attempts, 1);
  EXPECT_EQ(a[0].cause_key, "c0");
  EXPECT_EQ(a[0].message.to, "a@example.com");
  // Another node gets only what is not leased.
  auto b = outbox_->claim_due("node-b", now_ + 10s, 1min, 10);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].message.subject, "s2");
  EXPECT_EQ(outbox_->mark_sent({a[0].message.id}, "node-b", now_), 0) << "only the lease holder marks";
  ASSERT_EQ(outbox_->mark_sent({a[0].message.id}, "node-a", now_ + 11s), 1);
  EXPECT_EQ(outbox_->mark_sent({a[0].message.id}, "node-a", now_ + 11s), 0) << "sent once";
  // A failure comes back at its retry time with one more attempt.
  outbox_->mark_failed(a[1].message.id, "node-a", "421 try later", now_ + 5min, now_ + 11s);
  // node-b's lease on s2 ran out at +70 s, so s2 is due again; s1 waits for its retry time.
  auto early = outbox_->claim_due("node-c", now_ + 4min, 2min, 10);
  ASSERT_EQ(early.size(), 1u);
  EXPECT_EQ(early[0].message.subject, "s2");
  EXPECT_EQ(early[0].attempts, 2);
  auto later = outbox_->claim_due("node-c", now_ + 5min, 1min, 10);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].message.subject, "s1");
  EXPECT_EQ(later[0].attempts, 2);
  std::vector<OutboxItem> again{early[0], later[0]};
  // Giving up takes it out for good.
  for (const auto& item : again) outbox_->mark_failed(item.message.id, "node-c", "550 no", std::nullopt, now_);
  EXPECT_TRUE(outbox_->claim_due("node-a", now_ + 24h, 1min, 10).empty());
  auto conn = db_->reader();
  EXPECT_EQ(conn->query("SELECT COUNT(*) FROM outbox WHERE failed_at IS NOT NULL")[0].i64(0), 2);
  EXPECT_EQ(conn->query("SELECT last_error FROM outbox WHERE id = ?", {again[0].message.id})[0].text(0), "550 no");
}

TEST_F(AccountStoreTest, ConcurrentClaimersNeverShareARow) {
  {
    auto conn = db_->writer();
    for (int i = 0; i < 40; ++i)
      sql::enqueue_mail(*conn, {"a@example.com", "s", "t", "", "cause-" + std::to_string(i)}, now_);
  }
  std::mutex mu;
  std::multiset<std::string> ids;
  std::vector<std::thread> threads;
  for (int n = 0; n < 4; ++n)
    threads.emplace_back([&, n] {
      for (int round = 0; round < 10; ++round) {
        auto got = outbox_->claim_due("node-" + std::to_string(n), now_, 5min, 3);
        std::lock_guard lock(mu);
        for (const auto& item : got) ids.insert(item.message.id);
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ids.size(), 40u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size()) << "no row claimed twice";
}

TEST_F(AccountStoreTest, SharedRateLimitCountersCountPerKeyAndWindow) {
  sql::SqlRateLimiter one(*db_);
  sql::SqlRateLimiter two(*db_);  // a second node on the same database
  const Timestamp t = *parse_rfc3339("2026-06-01T12:00:10Z");
  EXPECT_FALSE(one.hit("signin:account:a", 3, 60s, t));
  EXPECT_FALSE(two.hit("signin:account:a", 3, 60s, t + 1s));
  EXPECT_FALSE(one.hit("signin:account:a", 3, 60s, t + 2s));
  auto refused = two.hit("signin:account:a", 3, 60s, t + 3s);
  ASSERT_TRUE(refused) << "the fourth hit in the window is over the limit, whichever node counts it";
  // Four hits this minute (the refused one counts): at 12:01:13 the last is a minute old.
  EXPECT_EQ(*refused, 60);
  EXPECT_FALSE(one.hit("signin:account:b", 3, 60s, t)) << "keys count separately";
  EXPECT_TRUE(one.hit("signin:account:a", 3, 60s, t + 60s)) << "a new minute does not start afresh";
  // At 12:01:30 the previous minute's attempts are all a minute old; this minute has 2 (the
  // refused one at 12:01:10 counts).
  EXPECT_FALSE(two.hit("signin:account:a", 3, 60s, t + 80s));
  EXPECT_FALSE(one.hit("signin:account:a", 3, 60s, t + 80s));
  EXPECT_TRUE(two.hit("signin:account:a", 3, 60s, t + 81s)) << "the fourth of this minute";
  EXPECT_FALSE(one.hit("signin:account:c", 3, 60s, t + 49s));
  EXPECT_FALSE(one.hit("signin:account:c", 3, 60s, t + 49s));
  EXPECT_FALSE(one.hit("signin:account:c", 3, 60s, t + 49s));
  EXPECT_TRUE(two.hit("signin:account:c", 3, 60s, t + 50s)) << "no second budget across the boundary";
}

TEST_F(AccountStoreTest, PurgeRemovesEndedSessionsAndLinks) {
  auto ada = add_user("ada@example.com");
  const auto idle = 7 * 24h;
  ASSERT_TRUE(tx([&](AccountTx& t) -> Status {
    auto old = make_session(ada, "old");  // past its absolute expiry
    old.expires_at = now_ - 1h;
    t.insert_session(old);
    auto revoked = make_session(ada, "revoked");  // signed out before the cut
    revoked.revoked_at = now_ - 1min;
    t.insert_session(revoked);
    auto idled = make_session(ada, "idled");  // no request for longer than the idle expiry
    idled.last_seen_at = now_ - idle - 1min;
    t.insert_session(idled);
    t.insert_session(make_session(ada, "live"));
    auto just_revoked = make_session(ada, "just-revoked");  // ended at the cut: kept
    just_revoked.revoked_at = now_;
    t.insert_session(just_revoked);
    auto almost_idle = make_session(ada, "almost-idle");
    almost_idle.last_seen_at = now_ - idle + 1min;
    t.insert_session(almost_idle);

    auto link = [&](const std::string& secret, Timestamp expires, std::optional<Timestamp> used) {
      t.insert_one_time_token(OneTimeToken{sha256_hex(secret), OneTimeKind::verify_email, ada.id,
                                           "", now_ - 48h, expires, used});
    };
    link("expired", now_ - 24h, std::nullopt);
    link("used", now_ + 23h, now_ - 1min);
    link("unused", now_ + 23h, std::nullopt);
    link("used-at-cut", now_ + 23h, now_);
    return {};
  }));
  EXPECT_EQ(accounts_->purge_expired(now_, idle), 5);
  for (auto gone : {"old", "revoked", "idled"})
    EXPECT_FALSE(accounts_->find_session(sha256_hex(gone))) << gone;
  for (auto kept : {"live", "just-revoked", "almost-idle"})
    EXPECT_TRUE(accounts_->find_session(sha256_hex(kept))) << kept;
  std::set<std::string> links;
  {
    auto conn = db_->reader();
    for (const auto& row : conn->query("SELECT id FROM one_time_tokens")) links.insert(row.text(0));
  }
  EXPECT_EQ(links, (std::set<std::string>{sha256_hex("unused"), sha256_hex("used-at-cut")}));
  EXPECT_EQ(accounts_->purge_expired(now_, idle), 0) << "a second pass finds nothing";
}

}  // namespace
}  // namespace admit
