#include "domain/services/checkin_service.hpp"

#include <algorithm>
#include <functional>

#include "common/handoff.hpp"
#include "common/log.hpp"

namespace admit {

CheckinService::CheckinService(CheckinStore& store, EventStore& events, const TicketCodes& codes,
                               const Clock& clock, CheckinOptions options)
    : store_(store), events_(events), codes_(codes), clock_(clock), options_(options) {
  const int n = options_.writers < 1 ? 1 : options_.writers;
  for (int i = 0; i < n; ++i) {
    auto w = std::make_unique<Writer>();
    w->loop.emplace("checkin-writer", std::chrono::milliseconds(0),
                    [this, &writer = *w] { return writer_step(writer); });
    writers_.push_back(std::move(w));
  }
}

CheckinService::~CheckinService() { stop(); }

void CheckinService::start() {
  if (running_.exchange(true)) return;
  for (auto& w : writers_) {
    std::lock_guard lock(w->mu);
    stopping_ = false;
  }
  for (auto& w : writers_) w->loop->start();
}

void CheckinService::stop() {
  if (!running_.exchange(false)) return;
  for (auto& w : writers_) {
    std::lock_guard lock(w->mu);
    stopping_ = true;
  }
  for (auto& w : writers_) {
    w->loop->stop();
    // Scans queued before stop() are still recorded, here once the writer has ended.
    for (auto batch = take_batch(*w); !batch.empty(); batch = take_batch(*w)) run_batch(batch);
  }
}

Status CheckinService::may_manage(const Actor& actor, const std::string& event_id) {
  if (actor.event_scope) return Error::forbidden("A door token cannot do this.");
  std::string organizer;
  {
    std::lock_guard lock(owners_mu_);
    if (auto it = owners_.find(event_id); it != owners_.end()) organizer = it->second;
  }
  if (organizer.empty()) {
    auto e = events_.find_event(event_id);
    if (!e) return Error::not_found("event");
    organizer = e->organizer_id;
    std::lock_guard lock(owners_mu_);
    if (owners_.size() > 100000) owners_.clear();
    owners_.emplace(event_id, organizer);
  }
  if (organizer != actor.user_id && !actor.is_admin()) return Error::not_found("event");
  return {};
}

Status CheckinService::may_scan(const Actor& actor, const std::string& event_id) {
  // A door token was made by the event's organizer for this event (AccountService checks
  // it), and the dispatcher admits it only on its own event's check-in routes.
  if (actor.event_scope) {
    if (*actor.event_scope == event_id) return {};
    return Error::not_found("event");
  }
  return may_manage(actor, event_id);
}

Status CheckinService::may_undo(const Actor& actor, const std::string& event_id) {
  if (!actor.event_scope) return may_manage(actor, event_id);
  if (auto ok = may_scan(actor, event_id); !ok) return ok;
  // Read each time: the organizer may switch it off during the event.
  auto e = events_.find_event(event_id);
  if (!e) return Error::not_found("event");
  if (!e->door_staff_can_undo)
    return Error::forbidden(
        "The organizer has not allowed door tokens to undo check-ins at this event "
        "(door_staff_can_undo is off).");
  return {};
}

Scan CheckinService::to_scan(const Actor& actor, const std::string& event_id, const std::string& qr,
                             const std::string& gate, const std::string& device, Timestamp at,
                             bool offline) const {
  Scan s;
  s.event_id = event_id;
  s.gate = gate;
  s.device = device;
  s.scanned_at = at;
  s.offline = offline;
  s.actor_id = actor.user_id;
  CodeCheck check = codes_.check(qr);
  if (!check.genuine) s.preset = CheckinResult::invalid;
  else if (check.event_id != event_id) s.preset = CheckinResult::wrong_event;
  else s.ticket_id = std::move(check.ticket_id);
  return s;
}

void CheckinService::scan(const Actor& actor, const std::string& event_id, ScanRequest request,
                          ScanCallback done) {
  if (auto ok = may_scan(actor, event_id); !ok) {
    done(ok.error());
    return;
  }
  Scan s = to_scan(actor, event_id, request.qr, request.gate, request.device, clock_.now(), false);
  // Tickets spread over the writers by id, so one ticket's scans meet in one queue.
  const std::size_t i = s.ticket_id.empty() ? 0 : std::hash<std::string>{}(s.ticket_id) % writers_.size();
  Writer& w = *writers_[i];
  {
    std::unique_lock lock(w.mu);
    if (!running_.load() || stopping_ ||
        queued_.load(std::memory_order_relaxed) >= static_cast<std::size_t>(options_.queue)) {
      lock.unlock();
      done(Error::unavailable(1, "Check-in is busy; scan again in a moment."));
      return;
    }
    queued_.fetch_add(1, std::memory_order_relaxed);
    w.queue.push_back(Pending{std::move(s), std::move(done)});
  }
  w.loop->wake();
}

std::vector<CheckinService::Pending> CheckinService::take_batch(Writer& w) {
  std::vector<Pending> batch;
  {
    std::lock_guard lock(w.mu);
    const std::size_t n = std::min(w.queue.size(), static_cast<std::size_t>(std::max(1, options_.batch)));
    batch.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      batch.push_back(std::move(w.queue.front()));
      w.queue.pop_front();
    }
  }
  queued_.fetch_sub(batch.size(), std::memory_order_relaxed);
  return batch;
}

BackgroundLoop::Next CheckinService::writer_step(Writer& w) {
  auto batch = take_batch(w);
  if (batch.empty()) return BackgroundLoop::Next::idle();
  run_batch(batch);
  return BackgroundLoop::Next::now();  // more may have queued meanwhile
}

void CheckinService::run_batch(std::vector<Pending>& batch) {
  std::vector<Scan> scans;
  scans.reserve(batch.size());
  for (const auto& p : batch) scans.push_back(p.scan);
  std::vector<ScanOutcome> out;
  try {
    out = store_.record(scans, clock_.now());
  } catch (const std::exception& e) {
    if (batch.size() > 1) {  // one scan per transaction: a bad one fails alone
      log::warn("check-in batch failed; retrying one by one", {{"error", e.what()}, {"scans", batch.size()}});
      for (auto& p : batch) {
        std::vector<Pending> single;
        single.push_back(std::move(p));
        run_batch(single);
      }
      return;
    }
    log::error("check-in failed", {{"error", e.what()}});
    batch[0].done(Error::internal());
    return;
  }
  batches_.fetch_add(1, std::memory_order_relaxed);
  HandoffBatch handoff;  // the answers reach their network threads together
  for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move(out[i]));
}

Result<std::vector<SyncedScan>> CheckinService::sync(const Actor& actor, const std::string& event_id,
                                                     const std::vector<OfflineScan>& scans) {
  if (auto ok = may_scan(actor, event_id); !ok) return ok.error();
  std::vector<Scan> batch;
  batch.reserve(scans.size());
  for (const auto& s : scans)
    batch.push_back(to_scan(actor, event_id, s.qr, s.gate, s.device, s.scanned_at, true));
  // Oldest first, so a batch holding two scans of one ticket settles like two syncs would.
  std::vector<std::size_t> order(batch.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return batch[a].scanned_at < batch[b].scanned_at; });
  std::vector<Scan> sorted;
  sorted.reserve(batch.size());
  for (auto i : order) sorted.push_back(batch[i]);
  auto outcomes = store_.record(sorted, clock_.now());
  std::vector<SyncedScan> out(scans.size());
  for (std::size_t k = 0; k < order.size(); ++k) out[order[k]] = {scans[order[k]].qr, std::move(outcomes[k])};
  return out;
}

Result<CheckinBundle> CheckinService::bundle(const Actor& actor, const std::string& event_id,
                                             std::optional<std::int64_t> since) {
  if (auto ok = may_scan(actor, event_id); !ok) return ok.error();
  CheckinBundle b = store_.bundle(event_id, since);
  b.keys = codes_.verifying_keys();
  b.can_undo = static_cast<bool>(may_undo(actor, event_id));
  return b;
}

std::optional<CheckinService::EventHeading> CheckinService::heading(const std::string& event_id) {
  auto e = events_.find_event(event_id);
  if (!e) return std::nullopt;
  return EventHeading{e->title, e->starts_at, e->timezone};
}

Result<ScanOutcome> CheckinService::undo(const Actor& actor, const std::string& event_id,
                                         const std::string& ticket_id, const std::string& gate) {
  if (auto ok = may_undo(actor, event_id); !ok) return ok.error();
  return store_.undo(event_id, ticket_id, actor.user_id, gate, clock_.now());
}

Result<CheckinLogPage> CheckinService::log(const Actor& actor, const std::string& event_id, int limit,
                                           const std::optional<std::string>& cursor) {
  if (auto ok = may_manage(actor, event_id); !ok) return ok.error();
  return store_.log(event_id, limit, cursor);
}

}  // namespace admit
