#pragma once
// `admit demo`: a handful of realistic upcoming events in several categories, owned by a
// demo organizer. Loads once: a second run sees the organizer and does nothing.
#include "common/clock.hpp"
#include "domain/ports/event_store.hpp"
#include "domain/ports/user_store.hpp"

namespace admit::app {

struct DemoResult {
  bool created = false;
  int events = 0;
};
DemoResult load_demo(UserStore& users, EventStore& events, const Clock& clock);

}  // namespace admit::app
