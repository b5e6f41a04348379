#pragma once
// CheckinService: the door (issue 12, DESIGN.md §5).
#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/background_loop.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "domain/model/actor.hpp"
#include "domain/ports/checkin_store.hpp"
#include "domain/ports/event_store.hpp"
#include "domain/ports/ticket_codes.hpp"

namespace admit {

struct ScanRequest {
  std::string qr;
  std::string gate;
  std::string device;
};
struct OfflineScan {
  std::string qr;
  Timestamp scanned_at;
  std::string gate;
  std::string device;
};
struct SyncedScan {
  std::string qr;
  ScanOutcome outcome;
};

struct CheckinOptions {
  int writers = 1;    // writer threads (SQLite: exactly 1); a ticket always goes to the same one
  int batch = 256;    // scans per transaction at most
  int queue = 20000;  // scans waiting over all writers before answering unavailable
};

using ScanCallback = std::function<void(Result<ScanOutcome>)>;

// Contract:
// - Who may scan: the event's organizer, an administrator, or a door token of that event
//   (Actor::event_scope). Anyone else: not_found("event"). The scan list: the organizer or
//   an administrator only. Undo: those, and the event's door tokens when the organizer
//   allows it (Event::door_staff_can_undo); otherwise a door token is forbidden, told why.
//   The bundle says whether its caller may undo (CheckinBundle::can_undo).
// - scan(): the code's signature is checked first, without the database; a code that does
//   not verify answers `invalid`, one of another event `wrong_event` (both logged). A
//   genuine code is queued on a writer, which records up to `batch` queued scans in one
//   transaction (CheckinStore::record) and answers each. `done` is called exactly once,
//   possibly on the writer thread, possibly before scan() returns; it must not block.
// - sync(): offline scans settled in one transaction: the earliest scan of a ticket wins,
//   repeating a batch changes nothing, and each scan gets its final result.
// Thread-safe. start() once; stop() answers everything queued, then joins.
class CheckinService {
 public:
  CheckinService(CheckinStore& store, EventStore& events, const TicketCodes& codes,
                 const Clock& clock, CheckinOptions options = {});
  ~CheckinService();
  CheckinService(const CheckinService&) = delete;
  CheckinService& operator=(const CheckinService&) = delete;

  void start();
  void stop();

  void scan(const Actor& actor, const std::string& event_id, ScanRequest request, ScanCallback done);
  Result<std::vector<SyncedScan>> sync(const Actor& actor, const std::string& event_id,
                                       const std::vector<OfflineScan>& scans);
  Result<CheckinBundle> bundle(const Actor& actor, const std::string& event_id,
                               std::optional<std::int64_t> since);
  // What the scanner shows at its top: the event's title and start (for a caller bundle()
  // admitted; no access check of its own). nullopt when the event is gone.
  struct EventHeading {
    std::string title;
    Timestamp starts_at;
    std::string timezone;
  };
  std::optional<EventHeading> heading(const std::string& event_id);
  Result<ScanOutcome> undo(const Actor& actor, const std::string& event_id,
                           const std::string& ticket_id, const std::string& gate);
  Result<CheckinLogPage> log(const Actor& actor, const std::string& event_id, int limit,
                             const std::optional<std::string>& cursor);
  // Admitting check-ins per hour (for the organizer's statistics; no access check).
  std::vector<CheckinCount> per_hour(const std::string& event_id) { return store_.per_hour(event_id); }

  std::size_t queue_depth() const noexcept { return queued_.load(std::memory_order_relaxed); }
  std::uint64_t batches() const noexcept { return batches_.load(std::memory_order_relaxed); }

 private:
  struct Pending {
    Scan scan;
    ScanCallback done;
  };
  struct Writer {
    std::mutex mu;
    std::deque<Pending> queue;
    std::optional<BackgroundLoop> loop;  // runs writer_step() when woken by a submit
  };

  // ok when the actor may scan at the event (door tokens: their own event).
  Status may_scan(const Actor& actor, const std::string& event_id);
  Status may_manage(const Actor& actor, const std::string& event_id);
  // ok when the actor may undo a check-in at the event.
  Status may_undo(const Actor& actor, const std::string& event_id);
  // A checked code as a scan: preset to invalid or wrong_event when it cannot admit.
  Scan to_scan(const Actor& actor, const std::string& event_id, const std::string& qr,
               const std::string& gate, const std::string& device, Timestamp at, bool offline) const;
  // Takes up to `batch` queued scans of the writer; empty when nothing is queued.
  std::vector<Pending> take_batch(Writer& w);
  BackgroundLoop::Next writer_step(Writer& w);
  void run_batch(std::vector<Pending>& batch);

  CheckinStore& store_;
  EventStore& events_;
  const TicketCodes& codes_;
  const Clock& clock_;
  const CheckinOptions options_;
  std::mutex owners_mu_;
  std::unordered_map<std::string, std::string> owners_;  // event id → organizer id (never changes)
  std::vector<std::unique_ptr<Writer>> writers_;
  std::atomic<std::size_t> queued_{0};
  std::atomic<std::uint64_t> batches_{0};
  std::atomic<bool> running_{false};
  std::atomic<bool> stopping_{false};
};

}  // namespace admit
