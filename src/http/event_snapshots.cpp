#include "http/event_snapshots.hpp"

#include <algorithm>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "common/log.hpp"
#include "common/page_cursor.hpp"
#include "http/handlers/views.hpp"

namespace admit::http {
namespace {

using SteadyClock = std::chrono::steady_clock;

char fold(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// ASCII case-insensitive substring test; `needle` is already lower-case.
bool contains_folded(std::string_view haystack, std::string_view needle) noexcept {
  if (needle.empty()) return true;
  if (needle.size() > haystack.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() && fold(haystack[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

// The cursor of the store's pages ("<starts_at ms>.<id>"), so either may answer a page.
std::string make_cursor(const Event& e) { return make_page_cursor(to_millis(e.starts_at), e.id); }


bool matches(const Event& e, const EventQuery& q, const std::string& needle, Timestamp now) {
  if (e.status != EventStatus::published || e.ends_at <= now) return false;
  if (q.category && e.category != *q.category) return false;
  if (q.from && e.ends_at < *q.from) return false;
  if (q.to && e.starts_at >= *q.to) return false;
  if (!needle.empty() && !contains_folded(e.title, needle) &&
      !contains_folded(e.description, needle) && !contains_folded(e.venue, needle))
    return false;
  return true;
}

bool is_public(const Event& e) { return e.status != EventStatus::draft; }

}  // namespace

EventSnapshots::EventSnapshots(EventStore& store, const Clock& clock, Options options)
    : store_(store),
      clock_(clock),
      options_(options),
      rechecks_("snapshot-check", std::chrono::milliseconds(0), [this] { return recheck_step(); }) {}

EventSnapshots::~EventSnapshots() { stop(); }

void EventSnapshots::load_all() {
  EventQuery q;
  q.limit = 100;
  q.now = clock_.now();
  std::size_t loaded = 0;
  for (;;) {
    auto page = store_.list_public(q);
    if (!page) throw std::runtime_error("loading public events: " + page.error().detail);
    {
      std::lock_guard lock(mu_);
      ++store_reads_;
      for (auto& e : page->items) {
        // A change reported while the page was read wins over the page.
        if (entries_.contains(e.id)) continue;
        put_locked(std::make_shared<const Event>(std::move(e)));
        ++loaded;
      }
    }
    if (!page->next_cursor) break;
    q.cursor = page->next_cursor;
  }
  log::info("public events in memory", {{"loaded", loaded}});
}

void EventSnapshots::start() {
  {
    std::lock_guard lock(due_mu_);
    if (stopped_) return;
  }
  rechecks_.start();
}

void EventSnapshots::stop() {
  {
    std::lock_guard lock(due_mu_);
    stopped_ = true;
  }
  rechecks_.stop();
}

void EventSnapshots::put_locked(std::shared_ptr<const Event> event) {
  const std::string id = event->id;
  auto [it, added] = entries_.try_emplace(id);
  Entry& entry = it->second;
  if (!added && entry.event) order_.erase({to_millis(entry.event->starts_at), id});
  if (event->status == EventStatus::published) order_.insert({to_millis(event->starts_at), id});
  entry.event = std::move(event);
  entry.rendered.reset();
  entry.generation = ++generations_;
  ++version_;
}

void EventSnapshots::erase_locked(const std::string& event_id) {
  auto it = entries_.find(event_id);
  if (it == entries_.end()) return;
  order_.erase({to_millis(it->second.event->starts_at), event_id});
  entries_.erase(it);
  ++version_;
}

bool EventSnapshots::reload(const std::string& event_id) {
  std::uint64_t seen = 0;
  {
    std::lock_guard lock(mu_);
    if (auto it = entries_.find(event_id); it != entries_.end()) seen = it->second.generation;
    ++store_reads_;
  }
  std::optional<Event> fresh = store_.find_event(event_id);
  std::lock_guard lock(mu_);
  auto it = entries_.find(event_id);
  const std::uint64_t now = it == entries_.end() ? 0 : it->second.generation;
  if (now != seen) return false;  // changed while we read: that change's data is newer
  if (!fresh || !is_public(*fresh)) erase_locked(event_id);
  else put_locked(std::make_shared<const Event>(std::move(*fresh)));
  return true;
}

void EventSnapshots::refresh(const std::string& event_id) {
  // A change that lands while we read makes us read again; after a few tries the
  // background re-check settles it. The change itself has committed: a failed read must
  // not fail the request that made it, so it is logged and left to the re-check.
  try {
    for (int attempt = 0; attempt < 3; ++attempt)
      if (reload(event_id)) break;
  } catch (const std::exception& e) {
    log::warn("re-reading a public event failed", {{"event_id", event_id}, {"error", e.what()}});
  }
  schedule(event_id, SteadyClock::now() + options_.recheck);
}

void EventSnapshots::refresh_soon(const std::string& event_id) {
  // Notices of a hot event (one per registration batch on every node) arriving within
  // `feed_delay` share one read.
  schedule(event_id, SteadyClock::now() + options_.feed_delay);
}

void EventSnapshots::refresh_all_soon() {
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mu_);
    ids.reserve(entries_.size());
    for (const auto& [id, entry] : entries_) ids.push_back(id);
  }
  const auto now = SteadyClock::now();
  for (const auto& id : ids) schedule(id, now);
}

void EventSnapshots::apply_counts(const std::vector<RegistrationEngine::Counts>& counts) {
  for (const auto& c : counts) {
    bool changed = false;
    {
      std::lock_guard lock(mu_);
      auto it = entries_.find(c.event_id);
      if (it == entries_.end()) continue;  // not public, or not asked for yet
      const Event& old = *it->second.event;
      bool differs = old.sold != c.sold;
      for (const auto& t : old.ticket_types)
        for (const auto& [id, sold] : c.type_sold)
          if (id == t.id && t.sold != sold) differs = true;
      if (differs) {
        auto copy = std::make_shared<Event>(old);
        copy->sold = c.sold;
        for (auto& t : copy->ticket_types)
          for (const auto& [id, sold] : c.type_sold)
            if (id == t.id) t.sold = sold;
        put_locked(std::move(copy));
        changed = true;
      }
    }
    if (changed) schedule(c.event_id, SteadyClock::now() + options_.recheck);
  }
}

void EventSnapshots::remember(const Event& event) {
  if (!is_public(event)) return;
  std::lock_guard lock(mu_);
  if (entries_.contains(event.id)) return;
  put_locked(std::make_shared<const Event>(event));
}

std::shared_ptr<const Event> EventSnapshots::find(const std::string& event_id) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(event_id);
  return it == entries_.end() ? nullptr : it->second.event;
}

std::shared_ptr<const Representation> EventSnapshots::rendered(const std::string& event_id) {
  std::shared_ptr<const Event> event;
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(event_id);
    if (it == entries_.end()) return nullptr;
    if (it->second.rendered) return it->second.rendered;
    event = it->second.event;
    generation = it->second.generation;
  }
  // Rendered outside the lock; two threads may both render a fresh change (same bytes).
  auto rep = make_representation(boost::json::serialize(event_json(*event)), "application/json", true);
  std::lock_guard lock(mu_);
  ++renders_;
  auto it = entries_.find(event_id);
  if (it != entries_.end() && it->second.generation == generation) it->second.rendered = rep;
  return rep;
}

Result<std::shared_ptr<const Representation>> EventSnapshots::list(const EventQuery& query,
                                                                   const std::string& cache_key) {
  std::optional<std::pair<std::int64_t, std::string>> after;
  if (query.cursor) {
    after = parse_page_cursor(*query.cursor);
    if (!after) return Error::field("cursor", "is not a cursor from a previous page");
  }
  const auto steady_now = SteadyClock::now();
  std::string needle;
  if (query.q)
    for (char ch : *query.q) needle += fold(ch);
  const Timestamp now = clock_.now();
  const std::size_t limit = static_cast<std::size_t>(std::clamp(query.limit, 1, 100));

  std::vector<std::string> ids;
  std::optional<std::string> next_cursor;
  std::uint64_t version = 0;
  {
    std::lock_guard lock(mu_);
    if (pages_version_ != version_ || pages_.size() > 256) {
      pages_.clear();
      pages_version_ = version_;
    }
    if (auto it = pages_.find(cache_key);
        it != pages_.end() && steady_now - it->second.made < options_.list_ttl)
      return it->second.rep;
    version = version_;
    auto it = after ? order_.upper_bound(*after) : order_.begin();
    for (; it != order_.end(); ++it) {
      const Event& e = *entries_.at(it->second).event;
      if (!matches(e, query, needle, now)) continue;
      if (ids.size() == limit) {
        next_cursor = make_cursor(*entries_.at(ids.back()).event);
        break;
      }
      ids.push_back(e.id);
    }
  }

  std::string body = "{\"items\":[";
  bool first = true;
  for (const auto& id : ids) {
    auto rep = rendered(id);
    if (!rep) continue;  // removed meanwhile
    if (!first) body += ',';
    first = false;
    body += *rep->identity;
  }
  body += "],\"next_cursor\":";
  body += next_cursor ? boost::json::serialize(boost::json::value(*next_cursor)) : "null";
  body += '}';
  auto page = make_representation(std::move(body), "application/json", true);
  std::lock_guard lock(mu_);
  if (version == version_ && pages_version_ == version_) pages_[cache_key] = Page{page, steady_now};
  return page;
}

EventSnapshots::Stats EventSnapshots::stats() const {
  std::lock_guard lock(mu_);
  return Stats{entries_.size(), order_.size(), renders_, store_reads_};
}

void EventSnapshots::schedule(const std::string& event_id, SteadyClock::time_point due) {
  {
    std::lock_guard lock(due_mu_);
    auto [it, added] = due_.try_emplace(event_id, due);
    if (!added && due < it->second) it->second = due;
  }
  rechecks_.wake();
}

BackgroundLoop::Next EventSnapshots::recheck_step() {
  std::string id;
  {
    std::lock_guard lock(due_mu_);
    if (due_.empty()) return BackgroundLoop::Next::idle();
    auto next = std::min_element(due_.begin(), due_.end(),
                                 [](const auto& a, const auto& b) { return a.second < b.second; });
    const auto now = SteadyClock::now();
    if (next->second > now) return BackgroundLoop::Next::after(next->second - now);
    id = next->first;
    due_.erase(next);
  }
  try {
    reload(id);
  } catch (const std::exception& e) {
    log::warn("re-reading a public event failed", {{"event_id", id}, {"error", e.what()}});
  }
  return BackgroundLoop::Next::now();
}

}  // namespace admit::http
