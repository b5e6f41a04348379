#pragma once
// RegistrationEngine: the hot path of registering (DESIGN.md §4, docs/decisions/0003).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/background_loop.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "common/work_pool.hpp"
#include "domain/ports/payment_gateway.hpp"
#include "domain/ports/registration_store.hpp"
#include "domain/services/registration_rules.hpp"

namespace admit {

struct RegistrationOutcome {
  Registration registration;
  bool created = false;  // false: the Idempotency-Key replayed an existing registration
};
using RegistrationCallback = std::function<void(Result<RegistrationOutcome>)>;

struct RegistrationEngineOptions {
  int writers = 1;      // writer threads; events are dealt out to them in turn (SQLite: exactly 1)
  int batch = 128;      // requests per transaction at most (1 = batching off)
  int queue = 20000;    // requests waiting over all writers before answering unavailable
  // How long an in-memory sold-out flag is trusted before one request re-checks the
  // database (seats returned on another node, capacity raised elsewhere). Measured on the
  // engine's Clock, so tests can move time.
  std::chrono::milliseconds sold_out_recheck{2000};
};

// Contract:
// - submit() never blocks on the database writer and never waits for a seat: it answers
//   through `done` exactly once, either at once (unavailable with retry_after when the queue
//   is full or the engine stopped), after one key read (sold_out from the in-memory flag, or
//   the registration of a replayed Idempotency-Key), or from the writer thread after the
//   batch holding the request committed. `done` must not block. With a lookup pool set,
//   submit() does no database I/O on the calling thread at all (the key read runs there),
//   so it may be called from a network thread. A writer answers a batch under one
//   HandoffBatch (common/handoff.hpp), so answers can go back to the network in one post.
// - Each event belongs to one writer (assigned in turn when the event first appears). A writer takes everything queued,
//   up to `batch` requests, and runs them in ONE transaction: per event it locks the event
//   row, checks each request's rules (registration_rules.hpp) and capacity against the
//   counters as the transaction has them, applies the batch's seats with one conditional
//   update per counter (`sold + n <= capacity`; should one fail, the batch is redone one
//   request per transaction), inserts the successful registrations with multi-row
//   inserts, commits, then answers.
//   The database enforces capacity, so several processes on one PostgreSQL cannot oversell.
// - Idempotency: the same (user, key) answers the same registration: duplicates in one
//   batch follow the first; across batches and nodes the unique key decides and the loser
//   reads back the winner; a request the writer refuses is looked up by key in its
//   transaction first, so a retry of one that succeeded answers that registration. A key
//   reused with another body answers conflict.
// - Once an event (or a ticket type) is seen full at commit, requests for it answer
//   sold_out from memory until seats_returned() or `sold_out_recheck` passes.
// - A batch that fails with an unexpected database error is retried one request per
//   transaction, so one bad request cannot fail its neighbours. A request whose own
//   transaction fails too answers unavailable (503 with Retry-After): nothing was
//   acknowledged, and a retry with the same Idempotency-Key answers the registration if
//   the failed commit did reach the database after all. A registration is answered as
//   created only after the commit that stored it returned.
// Thread-safe. start() once; stop() answers or processes everything queued, then joins.
class RegistrationEngine {
 public:
  RegistrationEngine(RegistrationStore& store, const Clock& clock, PaymentGateway& gateway,
                     RegistrationEngineOptions options);
  ~RegistrationEngine();
  RegistrationEngine(const RegistrationEngine&) = delete;
  RegistrationEngine& operator=(const RegistrationEngine&) = delete;

  // Where submit() runs its one blocking read (see above); set before start(). The pool
  // must outlive the engine's last submit().
  void set_lookup_pool(WorkPool* pool) { lookups_ = pool; }
  WorkPool* lookup_pool() const noexcept { return lookups_; }

  void start();
  void stop();

  void submit(RegistrationRequest request, RegistrationCallback done);

  // Seats of the event came back (cancellation, expiry, capacity raised): forget its
  // sold-out flags, and tell the seats_returned hook.
  void seats_returned(const std::string& event_id);

  // An event's counters as a batch's commit left them: read and changed under the event's
  // row lock, so exact at that commit. Reported after the commit, before any request of the
  // batch is answered, so the public snapshots (http/event_snapshots.hpp) never show fewer
  // seats sold than a 201 already promised.
  struct Counts {
    std::string event_id;
    std::int64_t sold = 0;
    std::vector<std::pair<std::string, std::int64_t>> type_sold;  // ticket type id → sold
  };
  // Set both before start(); they run on writer threads (counts) and on the threads that
  // call seats_returned(), and must not block for long.
  void on_counts(std::function<void(const std::vector<Counts>&)> hook) { counts_hook_ = std::move(hook); }
  void on_seats_returned(std::function<void(const std::string&)> hook) {
    returned_hook_ = std::move(hook);
  }

  struct Stats {
    std::uint64_t batches = 0;            // transactions run by writers
    std::uint64_t batched_requests = 0;   // requests those transactions carried
    std::uint64_t created = 0;            // registrations created
    std::uint64_t sold_out = 0;           // sold_out answers from the database
    std::uint64_t sold_out_from_memory = 0;
    std::uint64_t replayed = 0;           // Idempotency-Key replays
    std::uint64_t rejected_queue_full = 0;
  };
  Stats stats() const;
  std::size_t queue_depth() const noexcept { return queued_.load(std::memory_order_relaxed); }
  const RegistrationEngineOptions& options() const noexcept { return options_; }

 private:
  struct Pending {
    RegistrationRequest request;
    std::string fingerprint;
    RegistrationCallback done;
  };
  struct Writer {
    std::mutex mu;
    std::deque<Pending> queue;
    std::optional<BackgroundLoop> loop;  // runs writer_step() when woken by a submit
  };
  struct BatchEvent;    // per event state of one batch (registration_engine.cpp)
  struct Batch;         // one batch's state inside its transaction
  struct EventScratch;  // per event look-ups of one batch

  // Takes up to `batch` queued requests of the writer; empty when nothing is queued.
  std::vector<Pending> take_batch(Writer& w);
  BackgroundLoop::Next writer_step(Writer& w);
  void run_batch(std::vector<Pending>& batch);
  // The batch in its transaction, in named steps: lock and load the events (in id order),
  // admit each request of each event (rules, capacity, offer; staged for insert), apply the
  // seats with conditional updates, then insert and settle the Idempotency-Keys.
  std::vector<Result<RegistrationOutcome>> process(RegistrationWriter& w,
                                                   std::vector<Pending>& batch,
                                                   std::map<std::string, BatchEvent>& events);
  std::vector<std::size_t> lock_events(Batch& b);
  void admit_event(Batch& b, const std::string& event_id, const std::vector<std::size_t>& requests);
  void admit_one(Batch& b, BatchEvent& be, EventScratch& scratch, std::size_t index);
  Status take_seats(Batch& b, BatchEvent& be, const RegistrationRequest& request, PromoCode* promo);
  void apply_seats(Batch& b);
  void settle_keys(Batch& b);
  Writer& writer_for(const std::string& event_id);
  bool flagged_sold_out(const RegistrationRequest& r);
  void answer_sold_out_or_replay(const std::string& user_id, const std::string& key,
                                 const std::string& fingerprint, const RegistrationCallback& done);
  void flag_sold_out(const std::map<std::string, BatchEvent>& events);
  void report_counts(const std::map<std::string, BatchEvent>& events);
  static void answer(const RegistrationCallback& done, Result<RegistrationOutcome> result);

  RegistrationStore& store_;
  const Clock& clock_;
  PaymentGateway& gateway_;
  const RegistrationEngineOptions options_;
  WorkPool* lookups_ = nullptr;
  // Which writer owns each event: assigned in turn as events first appear, so a few hot
  // events spread evenly over the writers (a hash could put most of them on one).
  std::mutex owners_mu_;
  std::unordered_map<std::string, std::size_t> owners_;
  std::size_t next_owner_ = 0;
  std::vector<std::unique_ptr<Writer>> writers_;
  std::atomic<std::size_t> queued_{0};
  std::atomic<bool> accepting_{true};
  bool started_ = false;
  bool stopped_ = false;
  std::mutex lifecycle_mu_;

  struct SoldOutFlags {  // when each was raised (clock_)
    std::optional<Timestamp> event;
    std::map<std::string, Timestamp, std::less<>> types;
  };
  mutable std::mutex flags_mu_;
  std::map<std::string, SoldOutFlags, std::less<>> flags_;

  std::function<void(const std::vector<Counts>&)> counts_hook_;
  std::function<void(const std::string&)> returned_hook_;

  std::atomic<std::uint64_t> batches_{0}, batched_{0}, created_{0}, sold_out_{0},
      sold_out_memory_{0}, replayed_{0}, rejected_{0};
};

}  // namespace admit
