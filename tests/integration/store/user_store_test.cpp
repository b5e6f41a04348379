// Store conformance: accounts and API tokens, on every backend.
#include <gtest/gtest.h>

#include "common/random.hpp"
#include "storage/sql/sql_user_store.hpp"
#include "support/test_database.hpp"
#include "support/test_users.hpp"

namespace admit {
namespace {

class UserStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = test::open_test_database();
    users_ = std::make_unique<sql::SqlUserStore>(*db_, credentials_);
  }
  User make(const std::string& email) { return test::test_user(email, {"attendee", "organizer"}, now_); }
  // A token named "door" for `user`, stored; its secret is `secret`.
  ApiToken store_token(const User& user, const std::string& secret,
                       std::optional<std::string> event_scope = std::nullopt) {
    ApiToken t;
    t.id = new_id("tok");
    t.user_id = user.id;
    t.name = "door";
    t.token_hash = sha256_hex(secret);
    t.event_scope = std::move(event_scope);
    t.created_at = now_;
    EXPECT_TRUE(users_->create_token(t));
    return t;
  }
  Timestamp now_ = *parse_rfc3339("2026-06-01T12:00:00Z");
  std::unique_ptr<sql::Database> db_;
  sql::CredentialsEpoch credentials_;
  std::unique_ptr<sql::SqlUserStore> users_;
};

TEST_F(UserStoreTest, CreatesFindsAndRefusesDuplicateEmails) {
  auto u = make("ada@example.com");
  ASSERT_TRUE(users_->create_user(u));
  auto by_email = users_->find_user_by_email("ada@example.com");
  ASSERT_TRUE(by_email);
  EXPECT_EQ(by_email->id, u.id);
  EXPECT_EQ(by_email->roles, (std::vector<std::string>{"attendee", "organizer"}));
  EXPECT_FALSE(by_email->email_verified_at);
  auto dup = users_->create_user(make("ada@example.com"));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::conflict);
}

TEST_F(UserStoreTest, TokensAreFoundByHashAndRevocable) {
  auto u = make("ada@example.com");
  ASSERT_TRUE(users_->create_user(u));
  ApiToken t = store_token(u, "secret", "evt_1");
  auto found = users_->find_token_by_hash(sha256_hex("secret"));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->first.event_scope, "evt_1");
  EXPECT_EQ(found->second.email, "ada@example.com");
  EXPECT_EQ(users_->list_tokens(u.id).size(), 1u);
  EXPECT_FALSE(users_->revoke_token("usr_other", t.id, now_));
  ASSERT_TRUE(users_->revoke_token(u.id, t.id, now_));
  EXPECT_FALSE(users_->find_token_by_hash(sha256_hex("secret")));
  EXPECT_TRUE(users_->list_tokens(u.id).empty());
}

TEST_F(UserStoreTest, CachedTokenLookupsSeeChangesMadeThroughTheStoresAtOnce) {
  auto u = make("ada@example.com");
  ASSERT_TRUE(users_->create_user(u));
  ApiToken t = store_token(u, "secret");
  ASSERT_TRUE(users_->find_token_by_hash(sha256_hex("secret")));  // now cached
  auto again = users_->find_token_by_hash(sha256_hex("secret"));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->second.disabled);
  // Disabling the account (another store instance sharing the credentials epoch) is seen at once.
  sql::SqlUserStore other(*db_, credentials_);
  u.disabled = true;
  ASSERT_TRUE(other.update_user(u));
  auto disabled = users_->find_token_by_hash(sha256_hex("secret"));
  ASSERT_TRUE(disabled);
  EXPECT_TRUE(disabled->second.disabled);
  // So is a revocation.
  ASSERT_TRUE(other.revoke_token(u.id, t.id, now_));
  EXPECT_FALSE(users_->find_token_by_hash(sha256_hex("secret")));
}

TEST_F(UserStoreTest, PeekAnswersOnlyFromAFreshCachedLookup) {
  auto u = make("grace@example.com");
  ASSERT_TRUE(users_->create_user(u));
  ApiToken t = store_token(u, "peek-secret");
  EXPECT_FALSE(users_->peek_token_by_hash(t.token_hash));  // never looked up: unknown
  ASSERT_TRUE(users_->find_token_by_hash(t.token_hash));
  auto peeked = users_->peek_token_by_hash(t.token_hash);
  ASSERT_TRUE(peeked);
  EXPECT_EQ(peeked->first.id, t.id);
  EXPECT_EQ(peeked->second.id, u.id);
  // Any credentials write sharing the epoch forgets it: the next caller must read.
  sql::SqlUserStore other(*db_, credentials_);
  ASSERT_TRUE(other.revoke_token(u.id, t.id, now_));
  EXPECT_FALSE(users_->peek_token_by_hash(t.token_hash));
  EXPECT_FALSE(users_->find_token_by_hash(t.token_hash));
  EXPECT_FALSE(users_->peek_token_by_hash(t.token_hash));  // revoked tokens are never cached
}

}  // namespace
}  // namespace admit
