// The route access rule (router.hpp Allow) the Dispatcher enforces before every handler.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "http/dispatch.hpp"

namespace admit::http {
namespace {

using Params = std::map<std::string, std::string, std::less<>>;

Principal session_user(std::vector<std::string> roles = {"attendee"}) {
  return Principal{.user_id = "usr_1", .roles = std::move(roles), .via = Principal::Via::session};
}
Principal account_token(std::vector<std::string> roles = {"organizer"}) {
  return Principal{.user_id = "usr_2", .roles = std::move(roles), .via = Principal::Via::bearer};
}
Principal door_token(std::string event) {
  Principal p = account_token({"organizer", "admin"});
  p.event_scope = std::move(event);
  return p;
}

TEST(RouteAccess, TheDefaultNeedsASignedInCallerAndRefusesDoorTokens) {
  const Allow allow{};
  auto anonymous = check_access(allow, std::nullopt, {});
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->code, ErrorCode::unauthenticated);
  EXPECT_FALSE(check_access(allow, session_user(), {}));
  EXPECT_FALSE(check_access(allow, account_token(), {}));
  // Even for the event it is scoped to, and even when its owner is an administrator.
  auto door = check_access(allow, door_token("evt_1"), Params{{"id", "evt_1"}});
  ASSERT_TRUE(door);
  EXPECT_EQ(door->code, ErrorCode::forbidden);
  EXPECT_NE(door->detail.find("limited to check-in for one event"), std::string::npos);
}

TEST(RouteAccess, PublicRoutesAdmitAnyoneButADoorToken) {
  EXPECT_FALSE(check_access(kPublic, std::nullopt, {}));
  EXPECT_FALSE(check_access(kPublic, session_user(), {}));
  auto door = check_access(kPublic, door_token("evt_1"), {});
  ASSERT_TRUE(door);
  EXPECT_EQ(door->code, ErrorCode::forbidden);
}

TEST(RouteAccess, ADoorRouteAdmitsADoorTokenOnlyForItsOwnEvent) {
  const Allow checkin{.door_token = true};
  EXPECT_FALSE(check_access(checkin, door_token("evt_1"), Params{{"id", "evt_1"}}));
  auto other = check_access(checkin, door_token("evt_1"), Params{{"id", "evt_2"}});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->code, ErrorCode::forbidden);
  auto no_event = check_access(checkin, door_token("evt_1"), {});
  ASSERT_TRUE(no_event);
  EXPECT_EQ(no_event->code, ErrorCode::forbidden);
  // The organizer's own session and account tokens still reach it (the service checks
  // that they manage the event).
  EXPECT_FALSE(check_access(checkin, account_token(), Params{{"id", "evt_2"}}));
}

TEST(RouteAccess, RolesAndCredentialKinds) {
  auto attendee = check_access(kAdmin, session_user(), {});
  ASSERT_TRUE(attendee);
  EXPECT_EQ(attendee->code, ErrorCode::forbidden);
  EXPECT_FALSE(check_access(kAdmin, session_user({"attendee", "admin"}), {}));
  ASSERT_TRUE(check_access(kAdmin, std::nullopt, {}));
  EXPECT_EQ(check_access(kAdmin, std::nullopt, {})->code, ErrorCode::unauthenticated);

  const Allow tokens_only{.session = false};
  EXPECT_EQ(check_access(tokens_only, session_user(), {})->code, ErrorCode::forbidden);
  EXPECT_FALSE(check_access(tokens_only, account_token(), {}));
  const Allow sessions_only{.token = false};
  EXPECT_EQ(check_access(sessions_only, account_token(), {})->code, ErrorCode::forbidden);
}

// The Dispatcher applies the rule before CSRF and before the handler, on the work pool and
// on the network thread alike.
class ScopedAuthenticator final : public Authenticator {
 public:
  std::optional<Principal> principal;
  std::optional<Principal> authenticate(const Request&) override { return principal; }
  bool authenticate_now(const Request&, std::optional<Principal>& out) override {
    out = principal;
    return true;
  }
};

TEST(RouteAccess, TheDispatcherRefusesBeforeTheHandlerRuns) {
  Router router;
  int ran = 0;
  router.patch("/api/v1/events/{id}", sync([&](Request&) { ++ran; return Response::text(200, "changed"); }));
  router.post("/api/v1/events/{id}/checkins", sync([&](Request&) { ++ran; return Response::text(200, "in"); }),
              RouteOptions{.allow = Allow{.door_token = true}, .nonblocking = true});
  ScopedAuthenticator auth;
  auth.principal = door_token("evt_1");
  Dispatcher d(router, &auth, "http://127.0.0.1", "");
  auto call = [&](Method m, std::string target) {
    Request req;
    req.method = m;
    req.target = target;
    req.path = target;
    req.request_id = "rid";
    Response out;
    std::string route;
    RouteMatch match;
    auto respond = [&](Response r) { out = std::move(r); };
    if (!d.dispatch_inline(req, route, respond, match)) d.dispatch(req, route, respond, std::move(match));
    return out;
  };
  auto patched = call(Method::patch, "/api/v1/events/evt_1");
  EXPECT_EQ(patched.status, 403);
  EXPECT_EQ(boost::json::parse(patched.body).at("code"), "forbidden");
  EXPECT_EQ(ran, 0);
  EXPECT_EQ(call(Method::post, "/api/v1/events/evt_2/checkins").status, 403);
  EXPECT_EQ(ran, 0);
  EXPECT_EQ(call(Method::post, "/api/v1/events/evt_1/checkins").body, "in");
  EXPECT_EQ(ran, 1);
  auth.principal.reset();
  EXPECT_EQ(call(Method::patch, "/api/v1/events/evt_1").status, 401);
  EXPECT_EQ(ran, 1);
}

}  // namespace
}  // namespace admit::http
