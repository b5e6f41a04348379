// The steps of RegistrationEngine::process: one batch of registrations inside its
// transaction (the contract is in registration_engine.hpp).
#include <algorithm>
#include <chrono>
#include <numeric>
#include <stdexcept>

#include "common/random.hpp"
#include "domain/services/registration_batch.hpp"
#include "domain/services/registration_rules.hpp"
#include "domain/services/text.hpp"

namespace admit {

using engine_detail::key_reused_error;
using engine_detail::sold_out_error;

namespace {

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

// The registration a request that fits becomes: priced, held for payment or confirmed, with
// one ticket per seat (named for its attendee, else for the buyer).
Registration new_registration(const Event& ev, const RegistrationRequest& req, const PromoCode* promo,
                              const std::string& fingerprint, Timestamp now) {
  Priced priced = price_request(ev, req, promo);
  Registration reg;
  reg.id = time_ordered_id("reg", now);
  reg.event_id = req.event_id;
  reg.user_id = req.user_id;
  reg.total = priced.total;
  reg.status = priced.total == 0 ? RegistrationStatus::confirmed : RegistrationStatus::pending_payment;
  if (reg.status == RegistrationStatus::pending_payment)
    reg.expires_at = now + std::chrono::minutes(ev.hold_minutes);
  reg.items = std::move(priced.items);
  reg.currency = ev.currency;
  reg.idempotency_key = req.idempotency_key;
  reg.request_hash = fingerprint;
  if (promo) reg.promo_code_id = promo->id;
  reg.created_at = reg.updated_at = now;
  std::size_t attendee = 0;
  for (const auto& item : reg.items) {
    for (std::int64_t q = 0; q < item.quantity; ++q, ++attendee) {
      Ticket t;
      t.id = time_ordered_id("tkt", now);
      t.registration_id = reg.id;
      t.event_id = req.event_id;
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
  return reg;
}

}  // namespace

// One batch's work inside its transaction: the request order, the answers so far, and the
// registrations staged for insert. Made afresh each time the store runs the transaction.
struct RegistrationEngine::Batch {
  Batch(RegistrationWriter& writer, std::vector<Pending>& pending,
        std::map<std::string, BatchEvent>& evs, Timestamp at)
      : w(writer),
        requests(pending),
        events(evs),
        now(at),
        results(pending.size(), Result<RegistrationOutcome>(Error::internal())),
        follows(pending.size()) {}

  RegistrationWriter& w;
  std::vector<Pending>& requests;
  std::map<std::string, BatchEvent>& events;
  const Timestamp now;
  std::vector<Result<RegistrationOutcome>> results;
  std::vector<std::optional<std::size_t>> follows;  // duplicate key → the first request
  std::map<std::pair<std::string, std::string>, std::size_t> first_of_key;
  std::vector<Staged> staged;
  std::map<std::string, LockedEvent, std::less<>> locked;  // what lock_events() found
};

// Per event of a batch: promo codes and the tickets each user holds, each read once.
struct RegistrationEngine::EventScratch {
  std::map<std::string, std::optional<PromoCode>> promos;
  std::map<std::string, std::int64_t> live;  // user → tickets held, including this batch
};

std::vector<Result<RegistrationOutcome>> RegistrationEngine::process(
    RegistrationWriter& w, std::vector<Pending>& batch, std::map<std::string, BatchEvent>& events) {
  // The store may run this again after a deadlock: start from nothing each time.
  events.clear();
  Batch b(w, batch, events, clock_.now());
  const std::vector<std::size_t> order = lock_events(b);
  std::size_t i = 0;
  while (i < order.size()) {
    const std::string& event_id = batch[order[i]].request.event_id;
    std::size_t end = i;
    while (end < order.size() && batch[order[end]].request.event_id == event_id) ++end;
    admit_event(b, event_id, std::vector<std::size_t>(order.begin() + static_cast<std::ptrdiff_t>(i),
                                                      order.begin() + static_cast<std::ptrdiff_t>(end)));
    i = end;
  }
  apply_seats(b);
  settle_keys(b);
  return std::move(b.results);
}

std::vector<std::size_t> RegistrationEngine::lock_events(Batch& b) {
  // Events in id order: every transaction takes its event locks in the same order.
  const auto& batch = b.requests;
  std::vector<std::size_t> order(batch.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    return batch[x].request.event_id < batch[y].request.event_id;
  });
  // Every event of the batch locked (in id order) and loaded with one look-up.
  std::vector<std::string> event_ids;
  for (std::size_t k : order)
    if (event_ids.empty() || event_ids.back() != batch[k].request.event_id)
      event_ids.push_back(batch[k].request.event_id);
  b.locked = b.w.lock_events(event_ids);
  return order;
}

void RegistrationEngine::admit_event(Batch& b, const std::string& event_id,
                                     const std::vector<std::size_t>& requests) {
  BatchEvent& be = b.events[event_id];
  if (auto found = b.locked.find(event_id); found != b.locked.end()) be.locked = std::move(found->second);
  if (!be.locked) {
    for (std::size_t idx : requests) b.results[idx] = Error::not_found("event");
    return;
  }
  const Event& ev = be.locked->event;
  be.event_sold = ev.sold;
  for (const auto& t : ev.ticket_types) be.type_sold[t.id] = t.sold;
  EventScratch scratch;
  for (std::size_t idx : requests) {
    const RegistrationRequest& req = b.requests[idx].request;
    auto key = std::make_pair(req.user_id, req.idempotency_key);
    if (auto f = b.first_of_key.find(key); f != b.first_of_key.end()) {
      b.follows[idx] = f->second;
      continue;
    }
    b.first_of_key.emplace(key, idx);
    admit_one(b, be, scratch, idx);
  }
  for (const auto& [promo_id, n] : be.promo_take)
    for (std::int64_t k = 0; k < n; ++k)
      if (!b.w.claim_promo(promo_id)) throw std::runtime_error("promo code uses moved under the event lock");
}

void RegistrationEngine::admit_one(Batch& b, BatchEvent& be, EventScratch& scratch, std::size_t idx) {
  const Event& ev = be.locked->event;
  const RegistrationRequest& req = b.requests[idx].request;
  PromoCode* promo = nullptr;
  if (req.promo_code) {
    const std::string code = normalize_promo_code(*req.promo_code);
    auto it = scratch.promos.find(code);
    if (it == scratch.promos.end()) it = scratch.promos.emplace(code, b.w.find_promo(req.event_id, code)).first;
    if (it->second) promo = &*it->second;
  }
  std::int64_t held = 0;
  if (ev.max_per_user) {
    auto it = scratch.live.find(req.user_id);
    if (it == scratch.live.end())
      it = scratch.live.emplace(req.user_id, b.w.live_tickets(req.event_id, req.user_id)).first;
    held = it->second;
  }
  if (auto ok = check_request(ev, req, promo, held, b.now); !ok) {
    b.results[idx] = std::move(ok).error();
    return;
  }
  if (auto taken = take_seats(b, be, req, promo); !taken) {
    b.results[idx] = std::move(taken).error();
    return;
  }
  std::int64_t count = 0;
  for (const auto& item : req.items) count += item.quantity;
  if (ev.max_per_user) scratch.live[req.user_id] += count;
  Registration reg = new_registration(ev, req, promo, b.requests[idx].fingerprint, b.now);
  b.w.stage(reg);
  b.staged.push_back(Staged{idx, std::move(reg)});
}

Status RegistrationEngine::take_seats(Batch& b, BatchEvent& be, const RegistrationRequest& req,
                                      PromoCode* promo) {
  // Capacity, decided in memory under the event lock (every writer of this event, on every
  // node, holds that lock before touching its counters), then applied by apply_seats() with
  // one conditional update per counter for the whole batch.
  const Event& ev = be.locked->event;
  std::int64_t count = 0;
  for (const auto& item : req.items) count += item.quantity;
  // A waiting-list offer for this user: its held seats count as free for this request.
  std::optional<WaitlistEntry> offer;
  if (be.locked->has_open_offers) offer = b.w.open_offer(req.event_id, req.user_id, b.now);
  if (offer && !offer->offered_ticket_type_id) offer.reset();
  const std::int64_t credit = offer ? offer->offered_quantity : 0;
  bool fits = be.event_sold - credit + count <= ev.capacity;
  for (const auto& item : req.items) {
    const TicketType* t = find_type(ev, item.ticket_type_id);
    const std::int64_t mine = offer && *offer->offered_ticket_type_id == item.ticket_type_id ? credit : 0;
    if (!t || be.type_sold[item.ticket_type_id] - mine + item.quantity > t->capacity) fits = false;
  }
  if (promo && promo->max_uses && promo->uses + 1 > *promo->max_uses)
    return Error::field("promo_code", "has no uses left");
  if (!fits) return sold_out_error();
  if (offer) {
    // Marks it accepted and gives its seats back to the counters (now, in the database).
    if (b.w.accept_offer(*offer, b.now)) {
      be.type_sold[*offer->offered_ticket_type_id] -= credit;
      be.event_sold -= credit;
    } else if (be.event_sold + count > ev.capacity) {
      return sold_out_error();  // the offer went meanwhile: no credit after all
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
  return {};
}

void RegistrationEngine::apply_seats(Batch& b) {
  // The batch's seats: conditional updates (one statement for all its ticket types, one for
  // all its events), so the database enforces capacity whatever this process believes. They
  // cannot fail under the event locks; if one does (a counter changed by something that
  // skipped the lock), the batch is rolled back and run again one request per transaction,
  // where the update decides alone.
  std::map<std::string, std::int64_t> type_seats;
  std::map<std::string, std::int64_t> event_seats;
  for (const auto& [id, be] : b.events) {
    for (const auto& [type_id, n] : be.type_take)
      if (n > 0) type_seats[type_id] += n;
    if (be.event_take > 0) event_seats[id] = be.event_take;
  }
  if (!b.w.take_type_seats(type_seats)) throw std::runtime_error("ticket type counter moved under the event lock");
  if (!b.w.take_event_seats(event_seats)) throw std::runtime_error("event counter moved under the event lock");
}

void RegistrationEngine::settle_keys(Batch& b) {
  RegistrationWriter& w = b.w;
  // Insert everything; keys taken meanwhile (another batch or node) give their seats back.
  std::vector<std::string> lost = w.flush();
  for (auto& s : b.staged) {
    Registration& reg = s.registration;
    const bool lost_key = std::find(lost.begin(), lost.end(), reg.id) != lost.end();
    if (!lost_key) {
      b.results[s.index] = RegistrationOutcome{std::move(reg), true};
      continue;
    }
    BatchEvent& be = b.events[reg.event_id];
    for (const auto& item : reg.items) {
      w.return_type_seats(item.ticket_type_id, item.quantity);
      be.type_sold[item.ticket_type_id] -= item.quantity;
    }
    w.return_event_seats(reg.event_id, reg.ticket_count());
    be.event_sold -= reg.ticket_count();
    if (reg.promo_code_id) w.release_promo(*reg.promo_code_id);
    auto winner = w.find_by_key(reg.user_id, reg.idempotency_key);
    if (!winner) b.results[s.index] = Error::internal("idempotency key conflict without a winner");
    else if (winner->request_hash != reg.request_hash) b.results[s.index] = key_reused_error();
    else b.results[s.index] = RegistrationOutcome{std::move(*winner), false};
  }
  // A refused request whose key is already taken (a retry of one that succeeded earlier,
  // perhaps before the rules or the seats changed) answers that registration instead.
  for (std::size_t idx = 0; idx < b.requests.size(); ++idx) {
    if (b.follows[idx] || b.results[idx].ok()) continue;
    const RegistrationRequest& req = b.requests[idx].request;
    auto existing = w.find_by_key(req.user_id, req.idempotency_key);
    if (!existing) continue;
    if (existing->request_hash != b.requests[idx].fingerprint) {
      b.results[idx] = key_reused_error();
      continue;
    }
    b.results[idx] = RegistrationOutcome{std::move(*existing), false};  // counted as replayed after commit
  }
  for (std::size_t idx = 0; idx < b.requests.size(); ++idx) {
    if (!b.follows[idx]) continue;
    const auto& first = b.results[*b.follows[idx]];
    if (!first.ok()) b.results[idx] = first.error();
    else if (b.requests[idx].fingerprint != b.requests[*b.follows[idx]].fingerprint) b.results[idx] = key_reused_error();
    else b.results[idx] = RegistrationOutcome{first->registration, false};
  }
}

}  // namespace admit
