#include "domain/services/registration_engine.hpp"

#include <algorithm>
#include <exception>
#include <functional>
#include <numeric>
#include <stdexcept>

#include "common/handoff.hpp"
#include "common/log.hpp"
#include "domain/services/registration_batch.hpp"

namespace admit {

using engine_detail::key_reused_error;
using engine_detail::sold_out_error;

namespace {

// Retry-After of a registration whose transaction failed (database busy or unreachable).
constexpr int kRetryAfterSeconds = 2;

}  // namespace


RegistrationEngine::RegistrationEngine(RegistrationStore& store, const Clock& clock,
                                       PaymentGateway& gateway, RegistrationEngineOptions options)
    : store_(store), clock_(clock), gateway_(gateway), options_([&] {
        options.writers = std::max(1, options.writers);
        options.batch = std::max(1, options.batch);
        options.queue = std::max(1, options.queue);
        return options;
      }()) {
  for (int i = 0; i < options_.writers; ++i) {
    auto w = std::make_unique<Writer>();
    w->loop.emplace("reg-writer", std::chrono::milliseconds(0),
                    [this, &writer = *w] { return writer_step(writer); });
    writers_.push_back(std::move(w));
  }
}

RegistrationEngine::~RegistrationEngine() { stop(); }

void RegistrationEngine::start() {
  std::lock_guard lock(lifecycle_mu_);
  if (started_ || stopped_) return;
  started_ = true;
  for (auto& w : writers_) w->loop->start();
}

void RegistrationEngine::stop() {
  std::lock_guard lock(lifecycle_mu_);
  if (stopped_) return;
  stopped_ = true;
  for (auto& w : writers_) {
    // Under each writer's lock: a submit either queued before this (and is drained or
    // answered below) or sees accepting_ false.
    std::lock_guard l(w->mu);
    accepting_.store(false);
  }
  for (auto& w : writers_) {
    w->loop->stop();
    if (started_) {
      // What was queued before stop() is still registered, here once the writer has ended.
      for (auto batch = take_batch(*w); !batch.empty(); batch = take_batch(*w)) run_batch(batch);
      continue;
    }
    // Never started: answer what is queued rather than dropping it.
    std::deque<Pending> left;
    {
      std::lock_guard l(w->mu);
      left.swap(w->queue);
    }
    for (auto& p : left) answer(p.done, Error::unavailable(1, "the server is shutting down"));
  }
}

void RegistrationEngine::answer(const RegistrationCallback& done, Result<RegistrationOutcome> r) {
  try {
    done(std::move(r));
  } catch (const std::exception& e) {
    log::error("registration callback failed", {{"error", e.what()}});
  } catch (...) {
    log::error("registration callback failed", {{"error", "unknown exception"}});
  }
}

void RegistrationEngine::submit(RegistrationRequest request, RegistrationCallback done) {
  if (!accepting_.load()) {
    answer(done, Error::unavailable(1, "the server is shutting down"));
    return;
  }
  std::string fingerprint = request_fingerprint(request);
  // No read of the Idempotency-Key here: the writer settles it (the unique key at insert,
  // and a look-up in its transaction before answering any refusal), which saves a reader
  // round trip per request. Only an answer given from memory looks the key up first, so
  // a retry of a request that succeeded gets its registration, not `sold_out`.
  if (flagged_sold_out(request)) {
    auto lookup = [this, user = std::move(request.user_id), key = std::move(request.idempotency_key),
                   fingerprint = std::move(fingerprint), done] {
      answer_sold_out_or_replay(user, key, fingerprint, done);
    };
    if (!run_or_post(lookups_, std::move(lookup)))
      answer(done, Error::unavailable(1, "The server is busy; try again in a moment."));
    return;
  }
  // The queue bound is shared by all writers.
  if (queued_.fetch_add(1) >= static_cast<std::size_t>(options_.queue)) {
    queued_.fetch_sub(1);
    rejected_.fetch_add(1, std::memory_order_relaxed);
    answer(done, Error::unavailable(1, "Registrations are very busy right now; try again in a moment."));
    return;
  }
  Writer& w = writer_for(request.event_id);
  {
    std::lock_guard lock(w.mu);
    if (accepting_.load()) {
      w.queue.push_back(Pending{std::move(request), std::move(fingerprint), std::move(done)});
      done = nullptr;
    }
  }
  if (done) {
    queued_.fetch_sub(1);
    answer(done, Error::unavailable(1, "the server is shutting down"));
    return;
  }
  w.loop->wake();
}

RegistrationEngine::Writer& RegistrationEngine::writer_for(const std::string& event_id) {
  if (writers_.size() == 1) return *writers_.front();
  std::lock_guard lock(owners_mu_);
  auto [it, added] = owners_.try_emplace(event_id, next_owner_);
  if (added) {
    next_owner_ = (next_owner_ + 1) % writers_.size();
    // Forgotten events (ended, deleted) are not worth tracking for ever: start over when
    // the map grows large; an event may then move to another writer, which is safe (the
    // event row lock orders writers) and only costs lock waits while both hold requests.
    if (owners_.size() > 100000) {
      owners_.clear();
      it = owners_.try_emplace(event_id, next_owner_).first;
    }
  }
  return *writers_[it->second];
}

void RegistrationEngine::answer_sold_out_or_replay(const std::string& user_id,
                                                   const std::string& key,
                                                   const std::string& fingerprint,
                                                   const RegistrationCallback& done) {
  try {
    if (auto existing = store_.find_by_key(user_id, key)) {
      if (existing->request_hash != fingerprint) {
        answer(done, key_reused_error());
        return;
      }
      replayed_.fetch_add(1, std::memory_order_relaxed);
      answer(done, RegistrationOutcome{std::move(*existing), false});
      return;
    }
  } catch (const std::exception& e) {
    log::error("idempotency key look-up failed", {{"error", e.what()}});
    answer(done, Error::unavailable(kRetryAfterSeconds, "The registration could not be checked; "
                                                        "try again with the same Idempotency-Key."));
    return;
  }
  sold_out_memory_.fetch_add(1, std::memory_order_relaxed);
  answer(done, sold_out_error());
}

void RegistrationEngine::seats_returned(const std::string& event_id) {
  {
    std::lock_guard lock(flags_mu_);
    flags_.erase(event_id);
  }
  if (returned_hook_) returned_hook_(event_id);
}

void RegistrationEngine::report_counts(const std::map<std::string, BatchEvent>& events) {
  if (!counts_hook_) return;
  std::vector<Counts> counts;
  for (const auto& [id, be] : events) {
    if (!be.locked) continue;
    Counts c;
    c.event_id = id;
    c.sold = be.event_sold;
    c.type_sold.assign(be.type_sold.begin(), be.type_sold.end());
    counts.push_back(std::move(c));
  }
  try {
    counts_hook_(counts);
  } catch (const std::exception& e) {
    log::error("registration counts hook failed", {{"error", e.what()}});
  }
}

bool RegistrationEngine::flagged_sold_out(const RegistrationRequest& r) {
  const Timestamp now = clock_.now();
  std::lock_guard lock(flags_mu_);
  auto it = flags_.find(r.event_id);
  if (it == flags_.end()) return false;
  auto fresh = [&](std::optional<Timestamp>& at) {
    if (!at) return false;
    if (now - *at < options_.sold_out_recheck) return true;
    at.reset();  // stale: let this request re-check the database
    return false;
  };
  if (fresh(it->second.event)) return true;
  for (const auto& item : r.items) {
    auto t = it->second.types.find(item.ticket_type_id);
    if (t == it->second.types.end()) continue;
    std::optional<Timestamp> at = t->second;
    if (fresh(at)) return true;
    it->second.types.erase(t);
  }
  return false;
}

void RegistrationEngine::flag_sold_out(const std::map<std::string, BatchEvent>& events) {
  const Timestamp now = clock_.now();
  std::lock_guard lock(flags_mu_);
  for (const auto& [id, be] : events) {
    // An open waiting-list offer holds seats its user may claim: no flag then.
    if (!be.locked || be.locked->has_open_offers) continue;
    const Event& e = be.locked->event;
    if (be.event_sold >= e.capacity) flags_[id].event = now;
    for (const auto& t : e.ticket_types) {
      auto s = be.type_sold.find(t.id);
      if (s != be.type_sold.end() && s->second >= t.capacity) flags_[id].types[t.id] = now;
    }
  }
}

RegistrationEngine::Stats RegistrationEngine::stats() const {
  Stats s;
  s.batches = batches_.load();
  s.batched_requests = batched_.load();
  s.created = created_.load();
  s.sold_out = sold_out_.load();
  s.sold_out_from_memory = sold_out_memory_.load();
  s.replayed = replayed_.load();
  s.rejected_queue_full = rejected_.load();
  return s;
}

std::vector<RegistrationEngine::Pending> RegistrationEngine::take_batch(Writer& w) {
  std::vector<Pending> batch;
  {
    std::lock_guard lock(w.mu);
    batch.reserve(std::min(w.queue.size(), static_cast<std::size_t>(options_.batch)));
    while (!w.queue.empty() && batch.size() < static_cast<std::size_t>(options_.batch)) {
      batch.push_back(std::move(w.queue.front()));
      w.queue.pop_front();
    }
  }
  queued_.fetch_sub(batch.size());
  return batch;
}

BackgroundLoop::Next RegistrationEngine::writer_step(Writer& w) {
  auto batch = take_batch(w);
  if (batch.empty()) return BackgroundLoop::Next::idle();
  run_batch(batch);
  return BackgroundLoop::Next::now();  // more may have queued meanwhile
}

void RegistrationEngine::run_batch(std::vector<Pending>& batch) {
  std::vector<Result<RegistrationOutcome>> results;
  std::map<std::string, BatchEvent> events;
  try {
    store_.write([&](RegistrationWriter& w) { results = process(w, batch, events); });
  } catch (const std::exception& e) {
    results.clear();
    if (batch.size() > 1) {
      // One request per transaction: a bad request fails alone.
      log::warn("registration batch failed; retrying one by one",
                {{"error", e.what()}, {"requests", batch.size()}});
      for (auto& p : batch) {
        std::vector<Pending> single;
        single.push_back(std::move(p));
        run_batch(single);
      }
      return;
    }
    // Not stored, or stored by a commit whose outcome never reached us: either way the
    // client may retry with the same key (which then answers the stored registration).
    log::error("registration failed", {{"error", e.what()}});
    answer(batch[0].done, Error::unavailable(
                              kRetryAfterSeconds,
                              "The registration could not be saved; try again with the same "
                              "Idempotency-Key."));
    return;
  }
  batches_.fetch_add(1, std::memory_order_relaxed);
  batched_.fetch_add(batch.size(), std::memory_order_relaxed);
  flag_sold_out(events);
  report_counts(events);
  HandoffBatch handoff;  // the answers below reach their network threads together
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto& r = results[i];
    if (r.ok() && r->created) {
      created_.fetch_add(1, std::memory_order_relaxed);
      Registration& reg = r->registration;
      if (reg.status == RegistrationStatus::pending_payment) {
        auto ev = events.find(reg.event_id);
        if (ev != events.end() && ev->second.locked)
          reg.checkout_url = gateway_.checkout_url(ev->second.locked->event, reg);
      }
    } else if (r.ok()) {
      replayed_.fetch_add(1, std::memory_order_relaxed);  // answered with an existing registration
    } else if (r.error().code == ErrorCode::sold_out) {
      sold_out_.fetch_add(1, std::memory_order_relaxed);
    }
    answer(batch[i].done, std::move(r));
  }
}

}  // namespace admit
