// Store conformance: events and ticket types. The same tests run on every backend
// (ctest: store_sqlite, store_postgres).
#include <gtest/gtest.h>

#include "common/random.hpp"
#include "storage/sql/sql_event_store.hpp"
#include "storage/sql/sql_user_store.hpp"
#include "support/test_database.hpp"
#include "support/test_users.hpp"

namespace admit {
namespace {

using namespace std::chrono_literals;

class EventStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = test::open_test_database();
    users_ = std::make_unique<sql::SqlUserStore>(*db_, credentials_);
    events_ = std::make_unique<sql::SqlEventStore>(*db_);
    organizer_ = make_user("org@example.com");
  }

  std::string make_user(const std::string& email) {
    User u = test::test_user(email, {"organizer"}, now_, "Org");
    EXPECT_TRUE(users_->create_user(u));
    return u.id;
  }

  Event make_event(const std::string& title, Timestamp starts, std::string category = "music",
                   EventStatus status = EventStatus::published) {
    Event e;
    e.id = new_id("evt");
    e.organizer_id = organizer_;
    e.title = title;
    e.description = "About " + title;
    e.category = std::move(category);
    e.venue = "Hall";
    e.starts_at = starts;
    e.ends_at = starts + 2h;
    e.timezone = "Europe/Berlin";
    e.currency = "EUR";
    e.capacity = 100;
    e.status = status;
    e.created_at = e.updated_at = now_;
    TicketType t;
    t.id = new_id("tt");
    t.event_id = e.id;
    t.name = "General";
    t.price = 1500;
    t.capacity = 100;
    t.max_per_order = 4;
    e.ticket_types.push_back(t);
    auto created = events_->create_event(e);
    EXPECT_TRUE(created) << (created ? "" : created.error().detail);
    return created ? *created : e;
  }

  EventQuery query() {
    EventQuery q;
    q.now = now_;
    q.limit = 50;
    return q;
  }

  Timestamp now_ = *parse_rfc3339("2026-06-01T12:00:00Z");
  std::unique_ptr<sql::Database> db_;
  sql::CredentialsEpoch credentials_;
  std::unique_ptr<sql::SqlUserStore> users_;
  std::unique_ptr<sql::SqlEventStore> events_;
  std::string organizer_;
};

TEST_F(EventStoreTest, CreatesAndFindsAnEventWithItsTicketTypes) {
  auto e = make_event("Jazz", now_ + 24h);
  auto found = events_->find_event(e.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->title, "Jazz");
  EXPECT_EQ(found->starts_at, now_ + 24h);
  EXPECT_EQ(found->currency, "EUR");
  ASSERT_EQ(found->ticket_types.size(), 1u);
  EXPECT_EQ(found->ticket_types[0].price, 1500);
  EXPECT_EQ(found->ticket_types[0].max_per_order, 4);
  EXPECT_FALSE(found->ticket_types[0].sales_start);
  EXPECT_FALSE(events_->find_event("evt_missing"));
}

TEST_F(EventStoreTest, ListsPublishedUpcomingEventsSoonestFirst) {
  auto later = make_event("Later", now_ + 72h);
  auto sooner = make_event("Sooner", now_ + 24h);
  make_event("Draft", now_ + 48h, "music", EventStatus::draft);
  make_event("Cancelled", now_ + 48h, "music", EventStatus::cancelled);
  make_event("Over", now_ - 48h);
  auto page = events_->list_public(query());
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].id, sooner.id);
  EXPECT_EQ(page->items[1].id, later.id);
  EXPECT_FALSE(page->next_cursor);
}

TEST_F(EventStoreTest, FiltersByCategoryDatesAndText) {
  make_event("Rock night", now_ + 24h, "music");
  auto talk = make_event("Systems talk", now_ + 48h, "conference");
  make_event("Late show", now_ + 240h, "music");

  auto q = query();
  q.category = "conference";
  auto page = events_->list_public(q);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].id, talk.id);

  q = query();
  q.from = now_ + 30h;
  q.to = now_ + 100h;
  page = events_->list_public(q);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].id, talk.id);

  q = query();
  q.q = "SYSTEMS";
  page = events_->list_public(q);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].id, talk.id);

  q = query();
  q.q = "100%_";  // LIKE wildcards are matched literally
  page = events_->list_public(q);
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->items.empty());
}

TEST_F(EventStoreTest, PaginatesWithACursorWithoutGapsOrRepeats) {
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) ids.push_back(make_event("E" + std::to_string(i), now_ + 24h).id);
  std::sort(ids.begin(), ids.end());  // same start: ordered by id
  std::vector<std::string> seen;
  auto q = query();
  q.limit = 3;
  for (int pages = 0; pages < 5; ++pages) {
    auto page = events_->list_public(q);
    ASSERT_TRUE(page);
    for (const auto& e : page->items) seen.push_back(e.id);
    if (!page->next_cursor) break;
    q.cursor = page->next_cursor;
  }
  EXPECT_EQ(seen, ids);

  q = query();
  q.cursor = "garbage";
  auto bad = events_->list_public(q);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::validation_failed);
  EXPECT_EQ(bad.error().errors.at(0).field, "cursor");
}

TEST_F(EventStoreTest, UpdatesFieldsAndTicketTypes) {
  auto e = make_event("Before", now_ + 24h);
  e.title = "After";
  e.capacity = 50;
  e.ticket_types[0].capacity = 40;
  TicketType extra;
  extra.id = new_id("tt");
  extra.event_id = e.id;
  extra.name = "VIP";
  extra.price = 5000;
  extra.capacity = 10;
  extra.position = 1;
  e.ticket_types.push_back(extra);
  auto updated = events_->update_event(e);
  ASSERT_TRUE(updated) << updated.error().detail;
  EXPECT_EQ(updated->title, "After");
  ASSERT_EQ(updated->ticket_types.size(), 2u);
  EXPECT_EQ(updated->ticket_types[1].name, "VIP");

  updated->ticket_types.erase(updated->ticket_types.begin());
  auto removed = events_->update_event(*updated);
  ASSERT_TRUE(removed);
  ASSERT_EQ(removed->ticket_types.size(), 1u);
  EXPECT_EQ(removed->ticket_types[0].name, "VIP");

  auto search = query();
  search.q = "after";
  auto page = events_->list_public(search);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->items.size(), 1u);
}

TEST_F(EventStoreTest, SetsStatusAndListsTheOrganizersEvents) {
  auto e = make_event("Draft", now_ + 24h, "music", EventStatus::draft);
  auto published = events_->set_status(e.id, EventStatus::published, now_);
  ASSERT_TRUE(published);
  EXPECT_EQ(published->status, EventStatus::published);
  EXPECT_EQ(published->published_at, now_);
  EXPECT_FALSE(events_->set_status("evt_missing", EventStatus::published, now_));

  auto other = make_user("other@example.com");
  EXPECT_EQ(events_->list_by_organizer(organizer_).size(), 1u);
  EXPECT_TRUE(events_->list_by_organizer(other).empty());
}

}  // namespace
}  // namespace admit
