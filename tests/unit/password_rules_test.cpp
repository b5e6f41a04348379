// The password rule (auth/password.hpp), argon2id hashing and the session cookie flags.
#include <gtest/gtest.h>

#include <string>

#include "auth/password.hpp"
#include "auth/session_cookie.hpp"

namespace admit::auth {
namespace {

using namespace std::chrono_literals;

TEST(PasswordRules, ShipAtLeastTenThousandCommonPasswords) {
  EXPECT_GE(common_password_count(), 10000u);
  EXPECT_TRUE(is_common_password("password"));
  EXPECT_TRUE(is_common_password("qwerty"));
  EXPECT_FALSE(is_common_password("# common passwords")) << "comment lines are not entries";
}

TEST(PasswordRules, AcceptStrongPasswords) {
  EXPECT_EQ(password_weakness("Correct-Horse-42!"), std::nullopt);
  EXPECT_EQ(password_weakness("Strong-Pass-123"), std::nullopt);
  EXPECT_EQ(password_weakness("Zebra#2024 blue"), std::nullopt);
}

TEST(PasswordRules, AcceptLongUnicodePassphrases) {
  // 60+ characters, umlauts, a space as symbol, an uppercase letter and a digit.
  EXPECT_EQ(password_weakness("Über den Wolken muss die Freiheit wohl grenzenlos sein, 1974"),
            std::nullopt);
  // An uppercase letter of another script counts too.
  EXPECT_EQ(password_weakness("Пароль для входа 2026"), std::nullopt);
  // 128 code points (far more bytes) is allowed, 129 is not.
  std::string max = "Aa1!";
  for (int i = 0; i < 124; ++i) max += "é";
  EXPECT_EQ(password_weakness(max), std::nullopt);
  EXPECT_EQ(password_weakness(max + "é"), "must be at most 128 characters");
}

TEST(PasswordRules, CountCodePointsNotBytes) {
  // 7 characters but 14 bytes: too short.
  EXPECT_EQ(password_weakness("Éé1!ÉéÉ"), "must be at least 8 characters");
  EXPECT_EQ(password_weakness("😀😀😀😀😀😀A1"), std::nullopt);
}

TEST(PasswordRules, NeedUppercaseNumberAndSymbol) {
  EXPECT_EQ(password_weakness("correct-horse-9"), "must contain an uppercase letter");
  EXPECT_EQ(password_weakness("Correct-Horse-x"), "must contain a number");
  EXPECT_EQ(password_weakness("CorrectHorse9"), "must contain a symbol");
  EXPECT_EQ(password_weakness("correcthorse"),
            "must contain an uppercase letter, a number and a symbol");
  EXPECT_EQ(password_weakness("short"), "must be at least 8 characters");
  EXPECT_EQ(password_weakness(std::string("Abc1!xyz\xff")), "must be valid UTF-8 text");
}

TEST(PasswordRules, RefuseCommonPasswordsWithTheirUsualDecorations) {
  EXPECT_EQ(password_weakness("Password1!"), "is too common; choose one that is harder to guess");
  EXPECT_TRUE(password_weakness("PASSWORD1!"));
  EXPECT_TRUE(password_weakness("P@ssw0rd1"));
  EXPECT_TRUE(password_weakness("Qwerty2024!!"));
  EXPECT_TRUE(password_weakness("!!Dragon2024"));
  EXPECT_TRUE(password_weakness("Letmein123$"));
  EXPECT_TRUE(password_weakness("1!Iloveyou"));
}

TEST(PasswordHashing, IsArgon2idWithAtLeast19MiBAndTwoPasses) {
  const std::string hash = hash_password("Correct-Horse-42!");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_NE(hash.find("m=19456"), std::string::npos) << hash;
  EXPECT_NE(hash.find("t=2"), std::string::npos) << hash;
  EXPECT_TRUE(verify_password(hash, "Correct-Horse-42!"));
  EXPECT_FALSE(verify_password(hash, "Correct-Horse-43!"));
  EXPECT_FALSE(verify_password("", "anything"));
  EXPECT_FALSE(needs_rehash(hash));
  // A hash made with weaker parameters is upgraded at the next sign-in.
  const std::string weak = hash_password("Correct-Horse-42!", HashParams{1, 8u << 20});
  EXPECT_TRUE(needs_rehash(weak));
  EXPECT_TRUE(verify_password(weak, "Correct-Horse-42!"));
}

TEST(SessionCookie, HasHttpOnlyLaxAndPathOverHttp) {
  const std::string c = session_cookie("secret", false, 30 * 24h);
  EXPECT_EQ(c.rfind("admit_session=secret;", 0), 0u) << c;
  EXPECT_NE(c.find("; HttpOnly"), std::string::npos);
  EXPECT_NE(c.find("; SameSite=Lax"), std::string::npos);
  EXPECT_NE(c.find("; Path=/"), std::string::npos);
  EXPECT_NE(c.find("; Max-Age=2592000"), std::string::npos);
  EXPECT_EQ(c.find("Secure"), std::string::npos) << "no Secure over plain http";
}

TEST(SessionCookie, IsHostPrefixedAndSecureOverHttps) {
  const std::string c = session_cookie("secret", true, 60s);
  EXPECT_EQ(c.rfind("__Host-admit_session=secret;", 0), 0u) << c;
  EXPECT_NE(c.find("; Secure"), std::string::npos);
  EXPECT_NE(c.find("; HttpOnly"), std::string::npos);
  EXPECT_NE(c.find("; Path=/"), std::string::npos) << "__Host- requires Path=/";
  EXPECT_EQ(c.find("Domain="), std::string::npos) << "__Host- forbids Domain";
  EXPECT_EQ(session_cookie_name(true), "__Host-admit_session");
  EXPECT_EQ(session_cookie_name(false), "admit_session");
}

TEST(SessionCookie, ClearingExpiresItWithTheSameFlags) {
  const std::string c = clear_session_cookie(true);
  EXPECT_EQ(c.rfind("__Host-admit_session=;", 0), 0u);
  EXPECT_NE(c.find("; Max-Age=0"), std::string::npos);
  EXPECT_NE(c.find("; Secure"), std::string::npos);
  EXPECT_TRUE(is_session_secret_shape("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456"));
  EXPECT_FALSE(is_session_secret_shape("short"));
  EXPECT_FALSE(is_session_secret_shape("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ012345;"));
}

}  // namespace
}  // namespace admit::auth
