#include "storage/postgres/postgres_change_feed.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>

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

}  // namespace

void PostgresChangeFeed::start(std::function<void(const std::string&)> changed,
                               std::function<void()> resync) {
  if (thread_.joinable()) return;
  changed_ = std::move(changed);
  resync_ = std::move(resync);
  stopping_.store(false);
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "change-feed");
    run();
  });
}

void PostgresChangeFeed::stop() {
  stopping_.store(true);
  if (thread_.joinable()) thread_.join();
}

void PostgresChangeFeed::run() {
  bool first = true;
  while (!stopping_.load()) {
    Conn conn = listen_on(url_);
    if (!conn) {
      for (int i = 0; i < 10 && !stopping_.load(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    // Anything may have changed while we were not listening (the very first time, the
    // caller has just loaded everything itself).
    if (!first && resync_) resync_();
    first = false;
    log::info("change feed listening", {{"channel", kEventChannel}});
    while (!stopping_.load()) {
      pollfd pfd{PQsocket(conn.get()), POLLIN, 0};
      const int ready = ::poll(&pfd, 1, 200);  // wakes to notice stop()
      if (ready < 0) continue;
      if (ready > 0 && !PQconsumeInput(conn.get())) break;  // connection lost
      if (PQstatus(conn.get()) != CONNECTION_OK) break;
      while (PGnotify* n = PQnotifies(conn.get())) {
        std::string id = n->extra ? n->extra : "";
        PQfreemem(n);
        if (id.empty() || !changed_) continue;
        try {
          changed_(id);
        } catch (const std::exception& e) {
          log::error("change feed handler failed", {{"error", e.what()}});
        }
      }
    }
    if (!stopping_.load()) log::warn("change feed: connection lost; reconnecting", {});
  }
}

}  // namespace admit::sql
