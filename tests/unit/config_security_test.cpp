// The settings of the transport and data-at-rest hardening: each bad value is named.
#include <gtest/gtest.h>

#include "app/config.hpp"

namespace admit::app {
namespace {

Result<Config> with(std::map<std::string, std::string> env) { return load_config(std::nullopt, env); }

bool names(const Result<Config>& r, std::string_view field) {
  if (r) return false;
  for (const auto& e : r.error().errors)
    if (e.field == field) return true;
  return false;
}

TEST(ConfigSecurity, Defaults) {
  auto c = with({});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->max_connections_per_address, 512);
  EXPECT_EQ(c->mail_retention_seconds(), 7 * 86400);
  EXPECT_TRUE(c->metrics_listen.empty());
  EXPECT_TRUE(c->metrics_token.empty());
  EXPECT_EQ(c->header_timeout, 10);
  EXPECT_EQ(c->body_timeout, 30);
}

TEST(ConfigSecurity, MailRetentionDurations) {
  EXPECT_EQ(with({{"ADMIT_MAIL_RETENTION", "12h"}})->mail_retention_seconds(), 43200);
  EXPECT_EQ(with({{"ADMIT_MAIL_RETENTION", "30m"}})->mail_retention_seconds(), 1800);
  EXPECT_EQ(with({{"ADMIT_MAIL_RETENTION", "90s"}})->mail_retention_seconds(), 90);
  EXPECT_EQ(with({{"ADMIT_MAIL_RETENTION", "0"}})->mail_retention_seconds(), 0);
  for (const char* bad : {"7", "7x", "-1d", "0d", "d", "", "1.5h", "a week"})
    EXPECT_TRUE(names(with({{"ADMIT_MAIL_RETENTION", bad}}), "mail_retention")) << bad;
}

TEST(ConfigSecurity, ExemptAddressesMustBeAddresses) {
  auto ok = with({{"ADMIT_CONNECTION_LIMIT_EXEMPT", "10.0.0.1, ::1 ,192.0.2.7"}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->connection_limit_exempt_list(), (std::vector<std::string>{"10.0.0.1", "::1", "192.0.2.7"}));
  EXPECT_TRUE(names(with({{"ADMIT_CONNECTION_LIMIT_EXEMPT", "10.0.0.1,proxy.local"}}), "connection_limit_exempt"));
  EXPECT_TRUE(names(with({{"ADMIT_MAX_CONNECTIONS_PER_ADDRESS", "-1"}}), "ADMIT_MAX_CONNECTIONS_PER_ADDRESS"));
}

TEST(ConfigSecurity, MetricsExposure) {
  EXPECT_TRUE(names(with({{"ADMIT_METRICS_TOKEN", "short"}}), "metrics_token"));
  EXPECT_TRUE(with({{"ADMIT_METRICS_TOKEN", std::string(32, 'a')}}));
  EXPECT_TRUE(names(with({{"ADMIT_METRICS_LISTEN", "nowhere"}}), "metrics_listen"));
  EXPECT_TRUE(names(with({{"ADMIT_LISTEN", "127.0.0.1:8080"}, {"ADMIT_METRICS_LISTEN", "127.0.0.1:8080"}}),
                    "metrics_listen"));
  EXPECT_TRUE(with({{"ADMIT_METRICS_LISTEN", "127.0.0.1:9090"}}));
  // The token is a secret: `admit config check` masks it.
  auto c = with({{"ADMIT_METRICS_TOKEN", std::string(40, 'z')}});
  ASSERT_TRUE(c);
  EXPECT_EQ(describe(*c).find(std::string(40, 'z')), std::string::npos);
}

}  // namespace
}  // namespace admit::app
