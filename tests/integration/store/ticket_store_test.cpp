// Store conformance for tickets, on every backend: issuing a confirmed registration (codes
// that verify, the PDF in the blob store, exactly one mail with its attachments), nothing
// for pending or cancelled ones, download links, and a lost PDF rendered again byte for
// byte. The real parts: SQL stores, the file blob store, the keyring and the PDF renderer.
#include <chrono>
#include <thread>

#include "app/ticket_documents.hpp"
#include "blob/file_blob_store.hpp"
#include "domain/services/ticket_service.hpp"
#include "integration/store/ticket_test_support.hpp"
#include "storage/sql/outbox.hpp"
#include "storage/sql/sql_ticket_store.hpp"

namespace admit::test {
namespace {

class TicketStoreTest : public TicketFixture {
 protected:
  void SetUp() override {
    TicketFixture::SetUp();
    blobs_ = std::make_unique<blob::FileBlobStore>(dir_ / "blobs");
    documents_ = std::make_unique<app::AppTicketDocuments>(keys_);
    LinkKey key{};
    key.fill(3);
    links_ = std::make_unique<LinkSigner>(key);
    ticket_store_ = std::make_unique<sql::SqlTicketStore>(*db_);
    tickets_ = std::make_unique<TicketService>(*ticket_store_, *store_, *events_, *users_, *blobs_,
                                               *documents_, *links_, clock_,
                                               TicketSettings{"http://admit.test"});
  }
  void TearDown() override {
    tickets_.reset();
    TicketFixture::TearDown();
  }

  std::unique_ptr<blob::FileBlobStore> blobs_;
  std::unique_ptr<app::AppTicketDocuments> documents_;
  std::unique_ptr<LinkSigner> links_;
  std::unique_ptr<sql::SqlTicketStore> ticket_store_;
  std::unique_ptr<TicketService> tickets_;
};

TEST_F(TicketStoreTest, IssuesAConfirmedRegistrationOnce) {
  Event e = make_event(10, {type("General", 10)});
  auto users = make_users(1);
  Registration r = registered(e, users[0], 2);
  EXPECT_EQ(ticket_store_->unissued(10), std::vector<std::string>{r.id});
  EXPECT_EQ(tickets_->issue_pending(), 1);
  EXPECT_TRUE(ticket_store_->unissued(10).empty());

  auto issued = store_->find(r.id);
  ASSERT_TRUE(issued);
  EXPECT_TRUE(issued->tickets_issued_at);
  EXPECT_TRUE(issued->tickets_mailed_at);
  for (const auto& t : issued->tickets) {
    ASSERT_TRUE(t.qr);
    auto v = keys_->verifier().verify(*t.qr);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v.claim->ticket_id, t.id);
    EXPECT_EQ(v.claim->event_id, e.id);
    EXPECT_EQ(ticket_store_->registration_of_ticket(t.id), r.id);
  }
  auto pdf = blobs_->get(TicketService::pdf_key(r.id));
  ASSERT_TRUE(pdf && *pdf);
  EXPECT_EQ((*pdf)->substr(0, 5), "%PDF-");

  // One mail, with the PDF by blob key and the .ics inline.
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox WHERE cause_key = ?", {"tickets:" + r.id}), 1);
  auto conn = db_->reader();
  auto rows = conn->query("SELECT recipient, attachments FROM outbox WHERE cause_key = ?", {"tickets:" + r.id});
  EXPECT_EQ(rows.at(0).text(0), users[0].email);
  auto attachments = sql::parse_attachments(rows.at(0).text(1));
  ASSERT_EQ(attachments.size(), 2u);
  EXPECT_EQ(attachments[0].blob_key, TicketService::pdf_key(r.id));
  EXPECT_NE(attachments[1].content.find("UID:" + r.id + "@admit"), std::string::npos);

  // Issuing again (another node, a restart) changes nothing and queues no second mail.
  EXPECT_TRUE(tickets_->issue(r.id).ok());
  IssuedTickets again{r.id, {}, QueuedMail{users[0].email, "x", "x", "", "tickets:" + r.id, {}}};
  EXPECT_EQ(ticket_store_->mark_issued({again}, clock_.now()), std::vector<bool>{false});
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox WHERE cause_key = ?", {"tickets:" + r.id}), 1);
}

TEST_F(TicketStoreTest, OneTransactionMarksABatchAndSkipsWhatIsNoLongerIssuable) {
  Event e = make_event(10, {type("General", 10)});
  auto users = make_users(3);
  Registration a = registered(e, users[0]);
  Registration b = registered(e, users[1]);
  Registration c = registered(e, users[2]);
  Actor who{users[1].id, {"attendee"}, std::nullopt};
  ASSERT_TRUE(service_->cancel(who, b.id).ok());
  std::vector<IssuedTickets> batch;
  for (const Registration* r : {&a, &b, &c})
    batch.push_back({r->id, {{r->tickets.at(0).id, "AT-" + r->id}},
                     QueuedMail{"x@example.com", "s", "t", "", "tickets:" + r->id, {}}});
  EXPECT_EQ(ticket_store_->mark_issued(batch, clock_.now()), (std::vector<bool>{true, false, true}));
  EXPECT_EQ(store_->find(a.id)->tickets.at(0).qr, "AT-" + a.id);
  EXPECT_FALSE(store_->find(b.id)->tickets.at(0).qr) << "the cancelled one is untouched";
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox WHERE cause_key LIKE 'tickets:%'"), 2);
  EXPECT_EQ(ticket_store_->mark_issued(batch, clock_.now()), (std::vector<bool>{false, false, false}))
      << "a second pass changes nothing";
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox WHERE cause_key LIKE 'tickets:%'"), 2);
}

TEST_F(TicketStoreTest, TheIssuerLoopWorksThroughABacklogLargerThanItsPool) {
  Event e = make_event(20, {type("General", 20)});
  auto users = make_users(9);
  std::vector<std::string> ids;
  for (const auto& u : users) ids.push_back(registered(e, u).id);
  WorkPool pool("issue-test", 2, 2);  // refilled several times
  tickets_->start(pool);
  for (int i = 0; i < 400 && !ticket_store_->unissued(20).empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  tickets_->stop();
  pool.stop();
  EXPECT_TRUE(ticket_store_->unissued(20).empty());
  for (const auto& id : ids) {
    auto r = store_->find(id);
    EXPECT_TRUE(r->tickets_issued_at) << id;
    EXPECT_TRUE(r->tickets.at(0).qr) << id;
    auto pdf = blobs_->get(TicketService::pdf_key(id));
    EXPECT_TRUE(pdf && *pdf) << id;
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox WHERE cause_key = ?", {"tickets:" + id}), 1) << id;
  }
}

TEST_F(TicketStoreTest, PendingAndCancelledRegistrationsAreNotIssued) {
  Event e = make_event(10, {type("Paid", 5, 1500), type("Free", 5)});
  auto users = make_users(2);
  Registration pending = registered(e, users[0]);
  EXPECT_EQ(pending.status, RegistrationStatus::pending_payment);
  auto free = submit(request_items(e, users[1], {{e.ticket_types.at(1).id, 1}}));
  ASSERT_TRUE(free.ok());
  const Registration& confirmed = free->registration;
  EXPECT_EQ(ticket_store_->unissued(10), std::vector<std::string>{confirmed.id});
  Actor who{users[1].id, {"attendee"}, std::nullopt};
  ASSERT_TRUE(service_->cancel(who, confirmed.id).ok());
  EXPECT_TRUE(ticket_store_->unissued(10).empty());
  IssuedTickets late{confirmed.id, {{confirmed.tickets.at(0).id, "AT..."}}, std::nullopt};
  EXPECT_EQ(ticket_store_->mark_issued({late}, clock_.now()), std::vector<bool>{false});
  auto after = store_->find(confirmed.id);
  EXPECT_FALSE(after->tickets.at(0).qr);
  EXPECT_EQ(after->tickets.at(0).status, TicketStatus::cancelled);
  EXPECT_EQ(tickets_->issue_pending(), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox WHERE cause_key LIKE 'tickets:%'"), 0);
}

TEST_F(TicketStoreTest, LinksAreTheCallersAndALostPdfIsRenderedAgain) {
  Event e = make_event(10, {type("General", 10)});
  auto users = make_users(2);
  Registration r = registered(e, users[0]);
  ASSERT_EQ(tickets_->issue_pending(), 1);
  Actor owner{users[0].id, {"attendee"}, std::nullopt};
  Actor other{users[1].id, {"attendee"}, std::nullopt};
  Actor organizer{organizer_.id, {"organizer"}, std::nullopt};
  EXPECT_EQ(tickets_->pdf_link(other, r.tickets.at(0).id).error().code, ErrorCode::not_found);
  EXPECT_EQ(tickets_->pdf_link(owner, "tkt_nope").error().code, ErrorCode::not_found);
  auto link = tickets_->pdf_link(owner, r.tickets.at(0).id);
  ASSERT_TRUE(link);
  EXPECT_TRUE(tickets_->pdf_link(organizer, r.tickets.at(0).id).ok());
  const std::string query = link->substr(link->find('?') + 1);
  const std::string expires = query.substr(8, query.find('&') - 8);
  const std::string signature = query.substr(query.find("signature=") + 10);
  auto pdf = tickets_->pdf_for_link(owner, r.id, expires, signature);
  ASSERT_TRUE(pdf);
  EXPECT_EQ(tickets_->pdf_for_link(other, r.id, expires, signature).error().code, ErrorCode::forbidden);
  clock_.advance(11min);
  EXPECT_EQ(tickets_->pdf_for_link(owner, r.id, expires, signature).error().code, ErrorCode::forbidden);

  ASSERT_TRUE(blobs_->remove(TicketService::pdf_key(r.id)));
  auto again = tickets_->pdf_bytes(r.id);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, pdf->bytes);  // byte for byte
  EXPECT_TRUE(*blobs_->exists(TicketService::pdf_key(r.id)));
}

}  // namespace
}  // namespace admit::test
