#include "storage/postgres/postgres_change_feed.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <chrono>
#include <memory>

#include "common/log.hpp"

namespace admit::sql {
namespace {

struct ConnCloser {
  void operator()(PGconn* c) const noexcept { PQfinish(c); }
};
using Conn = std::unique_ptr<PGconn, ConnCloser>;

// Connects and LISTENs; null (logged) when either fails.
Conn listen_on(const std::string& url) {
  Conn conn(PQconnectdb(url.c_str()));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    log::warn("change feed: cannot connect", {{"error", conn ? PQerrorMessage(conn.get()) : "out of memory"}});
    return nullptr;
  }
  PGresult* r = PQexec(conn.get(), (std::string("LISTEN ") + kEventChannel).c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  if (!ok) {
    log::warn("change feed: LISTEN failed", {{"error", PQerrorMessage(conn.get())}});
    return nullptr;
  }
  return conn;
}

// Waits up to 200 ms for notices on the socket and hands each on; false when the
// connection is lost.
bool deliver_notices(PGconn* conn, const std::function<void(const std::string&)>& changed) {
  pollfd pfd{PQsocket(conn), POLLIN, 0};
  const int ready = ::poll(&pfd, 1, 200);  // bounded, so stop() is noticed
  if (ready < 0) return true;
  if (ready > 0 && !PQconsumeInput(conn)) return false;
  if (PQstatus(conn) != CONNECTION_OK) return false;
  while (PGnotify* n = PQnotifies(conn)) {
    std::string id = n->extra ? n->extra : "";
    PQfreemem(n);
    if (id.empty() || !changed) continue;
    try {
      changed(id);
    } catch (const std::exception& e) {
      log::error("change feed handler failed", {{"error", e.what()}});
    }
  }
  return true;
}

}  // namespace

void PostgresChangeFeed::start(std::function<void(const std::string&)> changed,
                               std::function<void()> resync) {
  if (loop_ && loop_->running()) return;
  loop_.reset();
  changed_ = std::move(changed);
  resync_ = std::move(resync);
  loop_ = std::make_unique<BackgroundLoop>("change-feed", std::chrono::seconds(1), listen_step());
  loop_->start();
}

void PostgresChangeFeed::stop() {
  // Ends the loop (within one socket wait; the step reads loop_, so stop before reset)
  // and closes its connection.
  if (loop_) loop_->stop();
  loop_.reset();
}

BackgroundLoop::Step PostgresChangeFeed::listen_step() {
  struct State {
    Conn conn;
    bool first = true;
  };
  // One step: (re)connect when needed, then one bounded wait on the socket; the loop runs
  // the next step at once, or retries a failed connection after a second.
  return [this, st = std::make_shared<State>()]() -> BackgroundLoop::Next {
    if (!st->conn) {
      st->conn = listen_on(url_);
      if (!st->conn) return BackgroundLoop::Next::after(std::chrono::seconds(1));
      // Anything may have changed while we were not listening (the very first time, the
      // caller has just loaded everything itself).
      if (!st->first && resync_) resync_();
      st->first = false;
      log::info("change feed listening", {{"channel", kEventChannel}});
    }
    if (!deliver_notices(st->conn.get(), changed_)) {
      st->conn.reset();
      if (!loop_->stopping()) log::warn("change feed: connection lost; reconnecting", {});
    }
    return BackgroundLoop::Next::now();
  };
}

}  // namespace admit::sql
