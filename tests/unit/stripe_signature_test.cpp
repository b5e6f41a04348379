// Stripe webhook signatures: the cases the webhook route must refuse, checked on the pure
// function (the HTTP suite repeats them with headers made by the real stripe SDK).
#include <gtest/gtest.h>

#include "payments/stripe_gateway.hpp"
#include "payments/stripe_signature.hpp"

namespace admit::payments {
namespace {

const Timestamp kNow = from_millis(1'790'000'000'000);
const std::int64_t kT = 1'790'000'000;
const std::string kBody = R"({"id":"evt_1","type":"checkout.session.completed"})";
const std::vector<std::string> kSecrets{"whsec_new", "whsec_old"};

bool verifies(std::string_view body, const std::string& header) {
  return verify_stripe_signature(body, header, kSecrets, kNow).ok();
}

TEST(StripeSignature, AcceptsEachConfiguredSecret) {
  EXPECT_TRUE(verifies(kBody, stripe_signature_header(kBody, kT, "whsec_new")));
  EXPECT_TRUE(verifies(kBody, stripe_signature_header(kBody, kT, "whsec_old")));
}

TEST(StripeSignature, KnownVector) {
  // HMAC-SHA256("whsec_new", "1790000000.{body}") computed independently (Python hmac).
  const std::string header = stripe_signature_header(kBody, kT, "whsec_new");
  EXPECT_EQ(header, "t=1790000000,v1=78c7d869e9923ffc9918d76e258971dd68a9300326f8dd479b120031f8c66d38");
}

TEST(StripeSignature, RefusesForgeries) {
  const std::string good = stripe_signature_header(kBody, kT, "whsec_new");
  const std::string v1 = good.substr(good.find("v1="));
  const std::vector<std::pair<std::string, std::string>> bad{
      {kBody, stripe_signature_header(kBody, kT, "whsec_wrong")},
      {kBody + " ", good},
      {kBody, stripe_signature_header(kBody, kT - 301, "whsec_new")},
      {kBody, stripe_signature_header(kBody, kT + 301, "whsec_new")},
      {kBody, "t=" + std::to_string(kT)},
      {kBody, ""},
      {kBody, "garbage"},
      {kBody, "t=abc," + v1},
      {kBody, "t=" + std::to_string(kT) + ",v1=zz" + v1.substr(5)},
      {"", good},
  };
  for (const auto& [body, header] : bad) {
    auto r = verify_stripe_signature(body, header, kSecrets, kNow);
    ASSERT_FALSE(r.ok()) << header;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_signature) << header;
  }
}

TEST(StripeSignature, ToleranceEdgesAndSeveralV1) {
  EXPECT_TRUE(verifies(kBody, stripe_signature_header(kBody, kT - 300, "whsec_new")));
  EXPECT_TRUE(verifies(kBody, stripe_signature_header(kBody, kT + 300, "whsec_new")));
  const std::string good = stripe_signature_header(kBody, kT, "whsec_new");
  const std::string several = "t=" + std::to_string(kT) + ",v1=" + std::string(64, '0') + "," +
                              good.substr(good.find("v1=")) + ",v0=ignored";
  EXPECT_TRUE(verifies(kBody, several));
  EXPECT_FALSE(verify_stripe_signature(kBody, good, {}, kNow).ok());  // no secret configured
}

TEST(StripeGateway, FormEncodingAndSessionExpiry) {
  EXPECT_EQ(form_encode({{"line_items[0][price_data][product_data][name]", "Rock & Roll — VIP"}, {"a", "1 2"}}),
            "line_items%5B0%5D%5Bprice_data%5D%5Bproduct_data%5D%5Bname%5D=Rock%20%26%20Roll%20%E2%80%94%20VIP&a=1%202");
  // Stripe needs 30 min..24 h: a 15-minute hold gets a 31-minute session, a 2-day one 23 h.
  EXPECT_EQ(StripeGateway::session_expiry(kNow, kNow + std::chrono::minutes(15)), kNow + std::chrono::minutes(31));
  EXPECT_EQ(StripeGateway::session_expiry(kNow, kNow + std::chrono::hours(2)), kNow + std::chrono::hours(2));
  EXPECT_EQ(StripeGateway::session_expiry(kNow, kNow + std::chrono::hours(48)), kNow + std::chrono::hours(23));
}

}  // namespace
}  // namespace admit::payments
