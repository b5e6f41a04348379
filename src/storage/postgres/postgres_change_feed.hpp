#pragma once
// PostgresChangeFeed: the ChangeFeed of PostgreSQL nodes. A connection of its own LISTENs
// on the channel the events trigger notifies (migrations/0008_event_changes.sql, payload:
// the event id, sent at commit); it waits on its socket and hands each notice on as it
// arrives, so another node's change is known here within a few milliseconds of its commit.
// The wait runs on a common/BackgroundLoop whose step blocks on the socket for at most
// 200 ms (so stop() takes effect within that). A lost connection is retried every second
// and followed by resync(), since notices sent meanwhile are gone.
#include <functional>
#include <memory>
#include <string>

#include "common/background_loop.hpp"
#include "domain/ports/change_feed.hpp"

namespace admit::sql {

inline constexpr const char* kEventChannel = "admit_event_changed";

class PostgresChangeFeed final : public ChangeFeed {
 public:
  explicit PostgresChangeFeed(std::string url) : url_(std::move(url)) {}
  ~PostgresChangeFeed() override { stop(); }

  void start(std::function<void(const std::string&)> changed, std::function<void()> resync) override;
  void stop() override;

 private:
  BackgroundLoop::Step listen_step();

  std::string url_;
  std::function<void(const std::string&)> changed_;
  std::function<void()> resync_;
  std::unique_ptr<BackgroundLoop> loop_;
};

}  // namespace admit::sql
