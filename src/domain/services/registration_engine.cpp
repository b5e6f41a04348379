#include "domain/services/registration_engine.hpp"

#include <pthread.h>

#include <algorithm>
#include <exception>
#include <functional>
#include <numeric>
#include <stdexcept>

#include "common/handoff.hpp"
#include "common/log.hpp"
#include "common/random.hpp"
#include "domain/services/text.hpp"

namespace admit {

// What one batch learned about one event: the locked event and its counters as this
// transaction leaves them (for the sold-out flags after commit).
struct RegistrationEngine::BatchEvent {
  std::optional<LockedEvent> locked;
  std::int64_t event_sold = 0;
  std::map<std::string, std::int64_t, std::less<>> type_sold;
  // Taken by this batch, applied with one conditional update per counter.
  std::int64_t event_take = 0;
  std::map<std::string, std::int64_t> type_take;
  std::map<std::string, std::int64_t> promo_take;
};

namespace {

Error sold_out_error() {
  Error e;
  e.code = ErrorCode::sold_out;
  e.detail = "Not enough seats are left for this order.";
  return e;
}

// Retry-After of a registration whose transaction failed (database busy or unreachable).
constexpr int kRetryAfterSeconds = 2;

Error key_reused_error() {
  return Error::conflict(
      "This Idempotency-Key was already used for a different registration request.");
}

// A registration staged in this batch and what it took, to undo it if its key lost.
struct Staged {
  std::size_t index = 0;
  Registration registration;
};

// Ids that sort by creation time ("reg_" + 9 base32 digits of the millisecond + the first
// 7 random characters of a new_id): B-tree inserts land on the right-most pages instead of
// random ones, so a batch dirties a few pages rather than one per row of every index.
std::string time_ordered_id(std::string_view prefix, Timestamp at) {
  static constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
  std::uint64_t ms = static_cast<std::uint64_t>(std::max<std::int64_t>(0, to_millis(at)));
  char time[9];
  for (int i = 8; i >= 0; --i) {
    time[i] = kAlphabet[ms & 31];
    ms >>= 5;
  }
  std::string random = new_id(prefix);
  std::string id(prefix);
  id += '_';
  id.append(time, 9);
  id += random.substr(prefix.size() + 1, 7);
  return id;
}

}  // namespace

RegistrationEngine::RegistrationEngine(RegistrationStore& store, const Clock& clock,
                                       PaymentGateway& gateway, RegistrationEngineOptions options)
    : store_(store), clock_(clock), gateway_(gateway), options_([&] {
        options.writers = std::max(1, options.writers);
        options.batch = std::max(1, options.batch);
        options.queue = std::max(1, options.queue);
        return options;
      }()) {
  for (int i = 0; i < options_.writers; ++i) writers_.push_back(std::make_unique<Writer>());
}

RegistrationEngine::~RegistrationEngine() { stop(); }

void RegistrationEngine::start() {
  std::lock_guard lock(lifecycle_mu_);
  if (started_ || stopped_) return;
  started_ = true;
  for (auto& w : writers_) {
    Writer* writer = w.get();
    writer->thread = std::thread([this, writer] {
      pthread_setname_np(pthread_self(), "reg-writer");
      writer_loop(*writer);
    });
  }
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
  for (auto& w : writers_) w->cv.notify_all();
  for (auto& w : writers_) {
    if (w->thread.joinable()) w->thread.join();
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
  w.cv.notify_one();
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

void RegistrationEngine::writer_loop(Writer& w) {
  std::vector<Pending> batch;
  batch.reserve(static_cast<std::size_t>(options_.batch));
  for (;;) {
    {
      std::unique_lock lock(w.mu);
      w.cv.wait(lock, [&] { return !w.queue.empty() || !accepting_.load(); });
      if (w.queue.empty()) return;  // stopping and drained
      while (!w.queue.empty() && batch.size() < static_cast<std::size_t>(options_.batch)) {
        batch.push_back(std::move(w.queue.front()));
        w.queue.pop_front();
      }
    }
    queued_.fetch_sub(batch.size());
    run_batch(batch);
    batch.clear();
  }
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

std::vector<Result<RegistrationOutcome>> RegistrationEngine::process(
    RegistrationWriter& w, std::vector<Pending>& batch, std::map<std::string, BatchEvent>& events) {
  // The store may run this again after a deadlock: start from nothing each time.
  events.clear();
  const Timestamp now = clock_.now();
  std::vector<Result<RegistrationOutcome>> results(batch.size(), Result<RegistrationOutcome>(Error::internal()));
  std::vector<std::optional<std::size_t>> follows(batch.size());  // duplicate key → first
  std::vector<Staged> staged;

  // Events in id order: every transaction takes its event locks in the same order.
  std::vector<std::size_t> order(batch.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return batch[a].request.event_id < batch[b].request.event_id;
  });

  // Every event of the batch locked (in id order) and loaded with one look-up.
  std::vector<std::string> event_ids;
  for (std::size_t k : order)
    if (event_ids.empty() || event_ids.back() != batch[k].request.event_id)
      event_ids.push_back(batch[k].request.event_id);
  auto locked_events = w.lock_events(event_ids);

  std::map<std::pair<std::string, std::string>, std::size_t> first_of_key;
  std::size_t i = 0;
  while (i < order.size()) {
    const std::string& event_id = batch[order[i]].request.event_id;
    std::size_t end = i;
    while (end < order.size() && batch[order[end]].request.event_id == event_id) ++end;

    BatchEvent& be = events[event_id];
    if (auto found = locked_events.find(event_id); found != locked_events.end())
      be.locked = std::move(found->second);
    if (!be.locked) {
      for (std::size_t k = i; k < end; ++k) results[order[k]] = Error::not_found("event");
      i = end;
      continue;
    }
    const Event& ev = be.locked->event;
    be.event_sold = ev.sold;
    for (const auto& t : ev.ticket_types) be.type_sold[t.id] = t.sold;
    std::map<std::string, std::optional<PromoCode>> promos;
    std::map<std::string, std::int64_t> live;  // user → tickets held, including this batch

    for (std::size_t k = i; k < end; ++k) {
      const std::size_t idx = order[k];
      Pending& p = batch[idx];
      const RegistrationRequest& req = p.request;
      auto key = std::make_pair(req.user_id, req.idempotency_key);
      if (auto f = first_of_key.find(key); f != first_of_key.end()) {
        follows[idx] = f->second;
        continue;
      }
      first_of_key.emplace(key, idx);

      PromoCode* promo = nullptr;
      if (req.promo_code) {
        const std::string code = normalize_promo_code(*req.promo_code);
        auto it = promos.find(code);
        if (it == promos.end()) it = promos.emplace(code, w.find_promo(event_id, code)).first;
        if (it->second) promo = &*it->second;
      }
      std::int64_t held = 0;
      if (ev.max_per_user) {
        auto it = live.find(req.user_id);
        if (it == live.end()) it = live.emplace(req.user_id, w.live_tickets(event_id, req.user_id)).first;
        held = it->second;
      }
      if (auto ok = check_request(ev, req, promo, held, now); !ok) {
        results[idx] = std::move(ok).error();
        continue;
      }

      // Capacity, decided in memory under the event lock (every writer of this event, on
      // every node, holds that lock before touching its counters), then applied below with
      // one conditional update per counter for the whole batch.
      std::int64_t count = 0;
      for (const auto& item : req.items) count += item.quantity;
      // A waiting-list offer for this user: its held seats count as free for this request.
      std::optional<WaitlistEntry> offer;
      if (be.locked->has_open_offers) offer = w.open_offer(event_id, req.user_id, now);
      if (offer && !offer->offered_ticket_type_id) offer.reset();
      const std::int64_t credit = offer ? offer->offered_quantity : 0;
      bool fits = be.event_sold - credit + count <= ev.capacity;
      for (const auto& item : req.items) {
        const TicketType* t = find_type(ev, item.ticket_type_id);
        const std::int64_t mine = offer && *offer->offered_ticket_type_id == item.ticket_type_id ? credit : 0;
        if (!t || be.type_sold[item.ticket_type_id] - mine + item.quantity > t->capacity) fits = false;
      }
      if (promo && promo->max_uses && promo->uses + 1 > *promo->max_uses) {
        results[idx] = Error::field("promo_code", "has no uses left");
        continue;
      }
      if (!fits) {
        results[idx] = sold_out_error();
        continue;
      }
      if (offer) {
        // Marks it accepted and gives its seats back to the counters (now, in the database).
        if (w.accept_offer(*offer, now)) {
          be.type_sold[*offer->offered_ticket_type_id] -= credit;
          be.event_sold -= credit;
        } else if (be.event_sold + count > ev.capacity) {
          results[idx] = sold_out_error();  // the offer went meanwhile: no credit after all
          continue;
        }
      }
      for (const auto& item : req.items) {
        be.type_sold[item.ticket_type_id] += item.quantity;
        be.type_take[item.ticket_type_id] += item.quantity;
      }
      be.event_sold += count;
      be.event_take += count;
      if (promo) {
        ++promo->uses;
        ++be.promo_take[promo->id];
      }
      if (ev.max_per_user) live[req.user_id] += count;

      Priced priced = price_request(ev, req, promo);
      Registration reg;
      reg.id = time_ordered_id("reg", now);
      reg.event_id = event_id;
      reg.user_id = req.user_id;
      reg.total = priced.total;
      reg.status = priced.total == 0 ? RegistrationStatus::confirmed
                                     : RegistrationStatus::pending_payment;
      if (reg.status == RegistrationStatus::pending_payment)
        reg.expires_at = now + std::chrono::minutes(ev.hold_minutes);
      reg.items = std::move(priced.items);
      reg.currency = ev.currency;
      reg.idempotency_key = req.idempotency_key;
      reg.request_hash = p.fingerprint;
      if (promo) reg.promo_code_id = promo->id;
      reg.created_at = reg.updated_at = now;
      std::size_t attendee = 0;
      for (const auto& item : reg.items) {
        for (std::int64_t q = 0; q < item.quantity; ++q, ++attendee) {
          Ticket t;
          t.id = time_ordered_id("tkt", now);
          t.registration_id = reg.id;
          t.event_id = event_id;
          t.ticket_type_id = item.ticket_type_id;
          if (attendee < req.attendees.size()) {
            t.attendee_name = trim(req.attendees[attendee].name);
            t.attendee_email = normalize_email(req.attendees[attendee].email);
          } else {
            t.attendee_name = req.user_name;
            t.attendee_email = req.user_email;
          }
          reg.tickets.push_back(std::move(t));
        }
      }
      w.stage(reg);
      staged.push_back(Staged{idx, std::move(reg)});
    }
    for (const auto& [promo_id, n] : be.promo_take)
      for (std::int64_t k = 0; k < n; ++k)
        if (!w.claim_promo(promo_id)) throw std::runtime_error("promo code uses moved under the event lock");
    i = end;
  }

  // The batch's seats: conditional updates (one statement for all its ticket types, one for
  // all its events), so the database enforces capacity whatever this process believes. They
  // cannot fail under the event locks; if one does (a counter changed by something that
  // skipped the lock), the batch is rolled back and run again one request per transaction,
  // where the update decides alone.
  std::map<std::string, std::int64_t> type_seats;
  std::map<std::string, std::int64_t> event_seats;
  for (const auto& [id, be] : events) {
    for (const auto& [type_id, n] : be.type_take)
      if (n > 0) type_seats[type_id] += n;
    if (be.event_take > 0) event_seats[id] = be.event_take;
  }
  if (!w.take_type_seats(type_seats)) throw std::runtime_error("ticket type counter moved under the event lock");
  if (!w.take_event_seats(event_seats)) throw std::runtime_error("event counter moved under the event lock");

  // Insert everything; keys taken meanwhile (another batch or node) give their seats back.
  std::vector<std::string> lost = w.flush();
  for (auto& s : staged) {
    Registration& reg = s.registration;
    const bool lost_key = std::find(lost.begin(), lost.end(), reg.id) != lost.end();
    if (!lost_key) {
      results[s.index] = RegistrationOutcome{std::move(reg), true};
      continue;
    }
    BatchEvent& be = events[reg.event_id];
    for (const auto& item : reg.items) {
      w.return_type_seats(item.ticket_type_id, item.quantity);
      be.type_sold[item.ticket_type_id] -= item.quantity;
    }
    w.return_event_seats(reg.event_id, reg.ticket_count());
    be.event_sold -= reg.ticket_count();
    if (reg.promo_code_id) w.release_promo(*reg.promo_code_id);
    auto winner = w.find_by_key(reg.user_id, reg.idempotency_key);
    if (!winner) results[s.index] = Error::internal("idempotency key conflict without a winner");
    else if (winner->request_hash != reg.request_hash) results[s.index] = key_reused_error();
    else results[s.index] = RegistrationOutcome{std::move(*winner), false};
  }
  // A refused request whose key is already taken (a retry of one that succeeded earlier,
  // perhaps before the rules or the seats changed) answers that registration instead.
  for (std::size_t idx = 0; idx < batch.size(); ++idx) {
    if (follows[idx] || results[idx].ok()) continue;
    const RegistrationRequest& req = batch[idx].request;
    auto existing = w.find_by_key(req.user_id, req.idempotency_key);
    if (!existing) continue;
    if (existing->request_hash != batch[idx].fingerprint) {
      results[idx] = key_reused_error();
      continue;
    }
    results[idx] = RegistrationOutcome{std::move(*existing), false};  // counted as replayed after commit
  }
  for (std::size_t idx = 0; idx < batch.size(); ++idx) {
    if (!follows[idx]) continue;
    const auto& first = results[*follows[idx]];
    if (!first.ok()) results[idx] = first.error();
    else if (batch[idx].fingerprint != batch[*follows[idx]].fingerprint) results[idx] = key_reused_error();
    else results[idx] = RegistrationOutcome{first->registration, false};
  }
  return results;
}

}  // namespace admit
