#pragma once
// EventSnapshots: the public reads of the catalogue (the event list, an event) answered from
// memory, so a sale's page reloads never reach the database (DESIGN.md §4, docs/decisions/
// 0009-public-reads-from-memory.md).
// - Holds every published event that has not ended (loaded at start) and every public
//   event a read asked for since (published or cancelled); never a draft. Each keeps its
//   rendered public JSON (the public view: no hidden ticket types) with a gzip form and a
//   strong ETag, made on first read after a change and kept until the next one.
// - Changes arrive three ways: refresh(id) after an organizer's change or a returned seat
//   on this node (a read of the store on the caller's thread, before it answers: the very
//   next public read shows it); apply_counts() from the registration engine after each
//   commit, before its 201s go out (sold/remaining exact without a read); refresh_soon(id)
//   from another node's change (the PostgreSQL change feed) on the background thread.
//   Every change also schedules one re-read `recheck` later, which heals the rare race of
//   two changes reported in the other order than they committed.
// - Pages of the list are built from the events' rendered JSON and kept per query until
//   anything changes (or `list_ttl` passes, for events that end meanwhile).
// Thread-safe; reads never block on I/O, so they run on the network threads.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/background_loop.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "domain/ports/event_store.hpp"
#include "domain/services/registration_engine.hpp"
#include "http/representation.hpp"

namespace admit::http {

class EventSnapshots {
 public:
  struct Options {
    std::chrono::milliseconds recheck{250};    // the re-read after every change
    std::chrono::milliseconds feed_delay{20};  // refresh_soon(): notices gathered this long
    std::chrono::milliseconds list_ttl{1000};
  };
  EventSnapshots(EventStore& store, const Clock& clock, Options options);
  EventSnapshots(EventStore& store, const Clock& clock) : EventSnapshots(store, clock, Options{}) {}
  ~EventSnapshots();
  EventSnapshots(const EventSnapshots&) = delete;
  EventSnapshots& operator=(const EventSnapshots&) = delete;

  // Every published event that has not ended, from the store (start; a lost change feed).
  void load_all();
  // The background thread of refresh_soon() and the re-checks.
  void start();
  void stop();

  // Change notices (see above).
  void refresh(const std::string& event_id);
  void refresh_soon(const std::string& event_id);
  void refresh_all_soon();  // every event held (a change feed that lost notices)
  void apply_counts(const std::vector<RegistrationEngine::Counts>& counts);
  // An event a public read had to load from the store: kept unless already known.
  void remember(const Event& event);

  // The public event, or null when memory does not have it (a draft, unknown, or not yet
  // read): then only the store can tell.
  std::shared_ptr<const Event> find(const std::string& event_id) const;
  // Its public JSON, ready to send; null as for find().
  std::shared_ptr<const Representation> rendered(const std::string& event_id);
  // A page of GET /api/v1/events (query already validated; `now` ignored: the clock's);
  // a malformed cursor is a field error naming `cursor`.
  Result<std::shared_ptr<const Representation>> list(const EventQuery& query,
                                                     const std::string& cache_key);

  struct Stats {
    std::size_t events = 0;     // held in memory
    std::size_t listed = 0;     // of those, published (candidates for the list)
    std::uint64_t renders = 0;  // event JSON renderings so far
    std::uint64_t store_reads = 0;
  };
  Stats stats() const;

 private:
  struct Entry {
    std::shared_ptr<const Event> event;
    std::uint64_t generation = 0;  // bumped by every change
    std::shared_ptr<const Representation> rendered;  // of `event`, or null
  };
  using OrderKey = std::pair<std::int64_t, std::string>;  // (starts_at ms, id)

  void put_locked(std::shared_ptr<const Event> event);
  void erase_locked(const std::string& event_id);
  // Reads the event and stores it unless a change arrived meanwhile; true when stored.
  bool reload(const std::string& event_id);
  void schedule(const std::string& event_id, std::chrono::steady_clock::time_point due);
  // One step of the re-check loop: re-reads the event due first, if it is due.
  BackgroundLoop::Next recheck_step();

  EventStore& store_;
  const Clock& clock_;
  const Options options_;

  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  std::set<OrderKey> order_;  // published events, soonest first
  std::uint64_t version_ = 0;  // any change to any event
  std::uint64_t generations_ = 0;
  std::uint64_t renders_ = 0;
  std::uint64_t store_reads_ = 0;
  struct Page {
    std::shared_ptr<const Representation> rep;
    std::chrono::steady_clock::time_point made;
  };
  std::uint64_t pages_version_ = 0;
  std::unordered_map<std::string, Page> pages_;

  std::mutex due_mu_;
  std::map<std::string, std::chrono::steady_clock::time_point> due_;
  bool stopped_ = false;
  BackgroundLoop rechecks_;
};

}  // namespace admit::http
