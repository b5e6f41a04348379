#pragma once
// ChangeFeed: tells this node which events changed in the shared database, whichever node
// changed them (itself included), so its in-memory copies can be replaced. Implemented on
// PostgreSQL with LISTEN/NOTIFY (a trigger notifies every committed change of an event row,
// storage/postgres/postgres_change_feed.hpp); one SQLite node needs none.
#include <functional>
#include <string>

namespace admit {

class ChangeFeed {
 public:
  virtual ~ChangeFeed() = default;
  // Starts delivering, from a thread of its own: `changed(event_id)` for each committed
  // change; `resync()` whenever notices may have been missed (after (re)connecting), so
  // the receiver re-reads everything it holds. Neither may block for long.
  virtual void start(std::function<void(const std::string& event_id)> changed,
                     std::function<void()> resync) = 0;
  // Stops and joins; idempotent.
  virtual void stop() = 0;
};

}  // namespace admit
