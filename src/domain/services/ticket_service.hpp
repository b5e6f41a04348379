#pragma once
// TicketService: turns confirmed registrations into tickets people carry, and hands out
// their PDFs (DESIGN.md §5).
//
// Issuing, once per confirmed registration: each ticket gets its signed QR text, the PDF
// (one page per ticket) is rendered and stored in the blob store under
// tickets/<registration id>.pdf, and the confirmation mail (PDF and .ics attached) is queued
// in the outbox, in the same transaction that marks the registration issued
// (TicketStore::mark_issued). The issuer loop finds unissued registrations in the database
// (every poll_interval, or at once after wake()), loads them and posts each to the pool it
// was started with, never a network or request thread (the app runs that pool at idle CPU
// priority: during a sale the cores register, and issuing catches up afterwards; and while
// the registration engine is writing batches the loop loads nothing new, so the disk's
// syncs go to the sale too: see TicketSettings::urgent_writes). A pool
// thread renders and stores the PDF and composes the mail; the loop then marks all that the
// threads finished in one transaction (one commit, one sync, for many). A crash at any point only delays issuing: the
// registration stays unissued until its transaction commits, and the mail's cause key
// ("tickets:<registration id>") keeps a second pass from queueing a second mail. A
// registration whose issuing fails is tried again after 1 s, 2 s, 4 s, ... (10 min at most).
//
// Downloads: pdf_link() authorizes (the ticket's owner, the event's organizer, an admin)
// and answers a short-lived link: the blob store's presigned URL (S3) or a link to this
// server signed with the link key (LinkSigner) for the caller. pdf_for_link() checks such
// a link and reads the PDF, rendering it again when the blob store lost it. Every refusal
// of a link is the same forbidden, whatever was wrong with it.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/background_loop.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "common/signed_link.hpp"
#include "common/work_pool.hpp"
#include "domain/model/actor.hpp"
#include "domain/ports/blob_store.hpp"
#include "domain/ports/event_store.hpp"
#include "domain/ports/registration_store.hpp"
#include "domain/ports/ticket_documents.hpp"
#include "domain/ports/ticket_store.hpp"
#include "domain/ports/user_store.hpp"

namespace admit {

struct TicketSettings {
  std::string public_url;                        // links in mails
  std::chrono::seconds link_ttl{600};            // signed download links
  std::chrono::milliseconds poll_interval{250};  // issuer loop
  // A counter of more urgent writes (the registration engine's batches). While it moves,
  // issuing loads nothing new, until `quiet_after` after its last move, but never for more
  // than `max_yield` in a row (then one pass goes ahead). Unset: issuing never waits.
  std::function<std::uint64_t()> urgent_writes;
  std::chrono::milliseconds quiet_after{500};
  std::chrono::milliseconds max_yield{5000};
};

// What a download link answers.
struct PdfFile {
  std::string filename;
  std::string bytes;
};

class TicketService {
 public:
  TicketService(TicketStore& tickets, RegistrationStore& registrations, EventStore& events,
                UserStore& users, BlobStore& blobs, const TicketDocuments& documents,
                const LinkSigner& links, const Clock& clock, TicketSettings settings);
  ~TicketService();
  TicketService(const TicketService&) = delete;
  TicketService& operator=(const TicketService&) = delete;

  static std::string pdf_key(const std::string& registration_id);
  static std::string pdf_filename(const std::string& registration_id);
  // The path of a registration's download link (signed by pdf_link).
  static std::string download_path(const std::string& registration_id);

  // Issues one registration (no-op when it is not confirmed or already issued). Blocking
  // CPU and I/O work: run it on a pool.
  Status issue(const std::string& registration_id);
  // Issues up to `limit` unissued registrations here and now; returns how many were issued.
  int issue_pending(int limit = 100);

  // The issuer loop: polls the database and posts each registration to `pool` (bounded;
  // what does not fit waits for the next pass). start/stop are idempotent.
  void start(WorkPool& pool);
  void stop();
  void wake();

  // The event changed (title, time, venue...): its stored PDFs are dropped (on the PDF
  // pool once started, else here), so each is rendered again, from the new data, when next
  // asked for. Mails already sent keep what they said.
  void on_event_updated(const Event& event);

  // A short-lived link to the PDF holding this ticket. not_found for a ticket the actor
  // may not see; conflict while the registration is not confirmed.
  Result<std::string> pdf_link(const Actor& actor, const std::string& ticket_id);
  // The PDF behind a link made by pdf_link for `actor`; forbidden for any link that is
  // changed, expired or someone else's.
  Result<PdfFile> pdf_for_link(const Actor& actor, const std::string& registration_id,
                               const std::string& expires, const std::string& signature);
  // The registration's calendar file (the mail's .ics), for its owner or organizer;
  // conflict while it is not confirmed.
  Result<std::string> calendar(const Actor& actor, const std::string& registration_id);
  // A mail attachment queued by blob key: the bytes, and a ticket PDF rendered again when
  // the store lost it.
  Result<std::string> attachment(const std::string& blob_key);
  // The registration's PDF from the blob store, rendered (and stored) again when missing.
  Result<std::string> pdf_bytes(const std::string& registration_id);

 private:
  struct Loaded {
    Registration registration;
    Event event;
    std::string organizer_name;
  };
  std::optional<Loaded> load(const std::string& registration_id);
  // Confirmed and not yet issued.
  static bool issuable(const std::optional<Loaded>& l);
  std::string render(const Loaded& l) const;
  // What issuing does before its transaction: codes, the PDF stored, the mail composed.
  Result<IssuedTickets> prepare(Loaded& l) const;
  QueuedMail confirmation_mail(const Loaded& l) const;
  Result<Registration> authorize(const Actor& actor, const std::string& registration_id);
  // One pass of the issuer loop: commits what the PDF threads finished, then loads what is
  // unissued and posts it to the PDF pool.
  void issue_step();
  void render_from_loop(Loaded& l);  // on the pool: prepare, then hand to the loop
  void commit_ready();               // one mark_issued transaction for all that is ready
  bool yielding();  // true while urgent writes move (see TicketSettings)

  TicketStore& tickets_;
  RegistrationStore& registrations_;
  EventStore& events_;
  UserStore& users_;
  BlobStore& blobs_;
  const TicketDocuments& documents_;
  const LinkSigner& links_;
  const Clock& clock_;
  TicketSettings settings_;

  std::mutex mu_;
  std::set<std::string> in_flight_;
  // Registrations whose issuing failed: attempts so far and when to try again (1 s, 2 s,
  // 4 s, ... up to 10 minutes), so one broken registration does not spin the loop.
  struct Retry {
    int attempts = 0;
    std::chrono::steady_clock::time_point next;
  };
  std::map<std::string, Retry> retries_;
  std::vector<IssuedTickets> ready_;  // rendered and stored, waiting for their transaction
  void failed(const std::string& id, const std::string& error);  // with mu_ held
  void drop_pdfs(const std::string& event_id);
  WorkPool* pool_ = nullptr;
  // The loop's view of the urgent writes (its thread only).
  std::uint64_t urgent_seen_ = 0;
  std::chrono::steady_clock::time_point urgent_moved_at_{};
  std::optional<std::chrono::steady_clock::time_point> yield_since_;
  BackgroundLoop loop_;  // the issuer: every poll_interval, or at once after wake()
};

}  // namespace admit
