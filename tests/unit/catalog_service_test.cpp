// CatalogService rules against an in-memory EventStore: validation, ownership, states.
#include <gtest/gtest.h>

#include <map>

#include "domain/services/catalog_service.hpp"

namespace admit {
namespace {

using namespace std::chrono_literals;

// The smallest EventStore that honours the port's contract for these tests.
class MemoryEventStore final : public EventStore {
 public:
  Result<Event> create_event(const Event& e) override { return events_[e.id] = e; }
  std::optional<Event> find_event(const std::string& id) override {
    auto it = events_.find(id);
    if (it == events_.end()) return std::nullopt;
    return it->second;
  }
  Result<Event> update_event(const Event& e) override { return events_[e.id] = e; }
  Result<Event> set_status(const std::string& id, EventStatus s, Timestamp at) override {
    auto it = events_.find(id);
    if (it == events_.end()) return Error::not_found("event");
    it->second.status = s;
    if (s == EventStatus::published) it->second.published_at = at;
    return it->second;
  }
  Result<EventPage> list_public(const EventQuery&) override { return EventPage{}; }
  std::vector<Event> list_by_organizer(const std::string& org) override {
    std::vector<Event> out;
    for (const auto& [id, e] : events_)
      if (e.organizer_id == org) out.push_back(e);
    return out;
  }

 private:
  std::map<std::string, Event> events_;
};

class CatalogServiceTest : public ::testing::Test {
 protected:
  EventInput valid() {
    EventInput in;
    in.title = "  Jazz night  ";
    in.description = "Music";
    in.category = "music";
    in.venue = "Hall";
    in.timezone = "Europe/Berlin";
    in.currency = "EUR";
    in.starts_at = clock_.now() + 48h;
    in.ends_at = clock_.now() + 50h;
    in.capacity = 100;
    in.ticket_types = std::vector<TicketTypeInput>{{std::nullopt, "General", "", 1500, 100}};
    return in;
  }
  std::vector<std::string> fields_of(const Error& e) {
    std::vector<std::string> out;
    for (const auto& f : e.errors) out.push_back(f.field);
    return out;
  }

  ManualClock clock_{*parse_rfc3339("2026-06-01T12:00:00Z")};
  MemoryEventStore store_;
  CatalogService catalog_{store_, clock_};
  Actor organizer_{"usr_org", {"organizer"}, std::nullopt};
  Actor other_{"usr_other", {"organizer"}, std::nullopt};
  Actor attendee_{"usr_att", {"attendee"}, std::nullopt};
};

TEST_F(CatalogServiceTest, CreatesADraftOwnedByTheCaller) {
  auto e = catalog_.create(organizer_, valid());
  ASSERT_TRUE(e) << e.error().detail;
  EXPECT_EQ(e->status, EventStatus::draft);
  EXPECT_EQ(e->organizer_id, "usr_org");
  EXPECT_EQ(e->title, "Jazz night");  // trimmed
  ASSERT_EQ(e->ticket_types.size(), 1u);
  EXPECT_EQ(e->ticket_types[0].event_id, e->id);
  EXPECT_EQ(e->ticket_types[0].id.rfind("tt_", 0), 0u);
}

TEST_F(CatalogServiceTest, OnlyOrganizersCreate) {
  auto e = catalog_.create(attendee_, valid());
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, ErrorCode::forbidden);
}

TEST_F(CatalogServiceTest, NamesEveryInvalidField) {
  auto in = valid();
  in.title = std::string(201, 'x');
  in.category = "knitting";
  in.timezone = "Nowhere/City";
  in.currency = "eur";
  in.ends_at = *in.starts_at - 1h;
  in.capacity = 0;
  in.hold_minutes = 0;
  in.ticket_types = std::vector<TicketTypeInput>{{std::nullopt, "", "", -1, 5},
                                                 {std::nullopt, "B", "", 100, 5, clock_.now() + 2h, clock_.now() + 1h}};
  auto e = catalog_.create(organizer_, in);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, ErrorCode::validation_failed);
  auto f = fields_of(e.error());
  for (const char* want : {"title", "category", "timezone", "currency", "ends_at", "capacity",
                           "hold_minutes", "ticket_types[0].name", "ticket_types[0].price",
                           "ticket_types[1].sales_end"})
    EXPECT_NE(std::find(f.begin(), f.end(), want), f.end()) << want;
}

TEST_F(CatalogServiceTest, TitleLengthCountsCharactersNotBytes) {
  auto in = valid();
  std::string title;
  for (int i = 0; i < 200; ++i) title += "é";  // 400 bytes, 200 characters
  in.title = title;
  EXPECT_TRUE(catalog_.create(organizer_, in));
}

TEST_F(CatalogServiceTest, TicketTypesMustFitTheEventAndBeUniquelyNamed) {
  auto in = valid();
  in.capacity = 10;
  in.ticket_types = std::vector<TicketTypeInput>{{std::nullopt, "A", "", 0, 11},
                                                 {std::nullopt, "A", "", 0, 5}};
  auto e = catalog_.create(organizer_, in);
  ASSERT_FALSE(e);
  auto f = fields_of(e.error());
  EXPECT_NE(std::find(f.begin(), f.end(), "ticket_types[0].capacity"), f.end());
  EXPECT_NE(std::find(f.begin(), f.end(), "ticket_types[1].name"), f.end());
}

TEST_F(CatalogServiceTest, DraftsAreHiddenFromEveryoneButTheOwner) {
  auto e = catalog_.create(organizer_, valid());
  ASSERT_TRUE(e);
  EXPECT_FALSE(catalog_.get(std::nullopt, e->id));
  EXPECT_FALSE(catalog_.get(other_, e->id));
  EXPECT_TRUE(catalog_.get(organizer_, e->id));
  Actor admin{"usr_admin", {"admin"}, std::nullopt};
  EXPECT_TRUE(catalog_.get(admin, e->id));
}

TEST_F(CatalogServiceTest, AnotherOrganizersEventIsNotFound) {
  auto e = catalog_.create(organizer_, valid());
  ASSERT_TRUE(e);
  EventInput rename;
  rename.title = "Mine";
  for (auto r : {catalog_.update(other_, e->id, rename), catalog_.publish(other_, e->id),
                 catalog_.cancel(other_, e->id)}) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::not_found);
  }
}

TEST_F(CatalogServiceTest, PublishAndCancelFollowTheLifecycle) {
  auto e = catalog_.create(organizer_, valid());
  ASSERT_TRUE(e);
  auto p = catalog_.publish(organizer_, e->id);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->status, EventStatus::published);
  EXPECT_TRUE(catalog_.publish(organizer_, e->id));  // idempotent

  int hooked = 0;
  catalog_.on_cancelled([&](const Event&) { ++hooked; });
  auto c = catalog_.cancel(organizer_, e->id);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, EventStatus::cancelled);
  EXPECT_TRUE(catalog_.cancel(organizer_, e->id));
  EXPECT_EQ(hooked, 1);  // cancelling twice notifies once

  auto again = catalog_.publish(organizer_, e->id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  EventInput rename;
  rename.title = "x";
  EXPECT_EQ(catalog_.update(organizer_, e->id, rename).error().code, ErrorCode::conflict);
}

TEST_F(CatalogServiceTest, AnEventThatHasEndedCannotBePublished) {
  auto e = catalog_.create(organizer_, valid());
  ASSERT_TRUE(e);
  clock_.advance(100h);
  auto p = catalog_.publish(organizer_, e->id);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().errors.at(0).field, "ends_at");
}

TEST_F(CatalogServiceTest, UpdatesKeepUnmentionedFieldsAndRejectForeignTicketTypes) {
  auto e = catalog_.create(organizer_, valid());
  ASSERT_TRUE(e);
  EventInput patch;
  patch.venue = "New hall";
  auto u = catalog_.update(organizer_, e->id, patch);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->venue, "New hall");
  EXPECT_EQ(u->title, "Jazz night");
  EXPECT_EQ(u->ticket_types.size(), 1u);

  EventInput foreign;
  foreign.ticket_types = std::vector<TicketTypeInput>{{std::string("tt_other"), "X", "", 0, 1}};
  auto f = catalog_.update(organizer_, e->id, foreign);
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().errors.at(0).field, "ticket_types[0].id");
}

TEST_F(CatalogServiceTest, ListingQueriesAreValidated) {
  EventQuery q;
  q.category = "knitting";
  q.limit = 0;
  auto r = catalog_.list_public(q);
  ASSERT_FALSE(r);
  auto f = fields_of(r.error());
  EXPECT_EQ(f, (std::vector<std::string>{"category", "limit"}));
}

}  // namespace
}  // namespace admit
