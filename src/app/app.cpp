#include "app/app.hpp"

#include <filesystem>

#include "app/authenticator.hpp"
#include "common/log.hpp"
#include "http/handlers/events.hpp"
#include "http/server.hpp"
#include "storage/sql/migrations.hpp"

namespace admit::app {
namespace {

std::unique_ptr<sql::Database> open(const Config& config) {
  if (config.database.rfind("sqlite:", 0) == 0) {
    // Relative SQLite paths live where the operator said; make sure the folder exists.
    std::filesystem::create_directories(config.data_dir);
  }
  sql::OpenOptions options;
  options.pool_size = config.db_pool;
  return sql::open_database(config.database, options);
}

log::Level level_of(const std::string& name) {
  if (name == "debug") return log::Level::debug;
  if (name == "warn") return log::Level::warn;
  if (name == "error") return log::Level::error;
  return log::Level::info;
}

}  // namespace

App::App(Config config, std::shared_ptr<const Clock> clock)
    : config_(std::move(config)),
      clock_(std::move(clock)),
      db_(open(config_)),
      users_(*db_),
      events_(*db_),
      catalog_(events_, *clock_) {
  log::set_level(level_of(config_.log_level));
}

App::~App() = default;

int App::migrate() { return sql::migrate(*db_); }

void App::add_routes(http::Router& router) {
  router.get("/healthz", http::sync([](http::Request&) { return http::Response::text(200, "ok\n"); }));
  router.get("/readyz", http::sync([this](http::Request&) {
               if (db_->ping()) return http::Response::text(200, "ok\n");
               return http::Response::text(503, "database unreachable\n").header("Retry-After", "5");
             }));
  router.get("/metrics", http::sync([this](http::Request&) {
               return http::Response::text(200, metrics_.render(),
                                           "text/plain; version=0.0.4; charset=utf-8");
             }));
  http::add_event_routes(router, catalog_);
}

int App::serve() {
  int applied = migrate();
  log::info("database ready", {{"migrations_applied", applied},
                               {"schema_version", sql::current_version(*db_)}});

  WorkPool pool("http", static_cast<std::size_t>(config_.work_threads),
                static_cast<std::size_t>(config_.work_queue));
  metrics_.add_gauge("admit_work_queue_depth", "Requests waiting for a handler thread",
                     [&pool] { return static_cast<double>(pool.queue_depth()); });
  metrics_.add_gauge("admit_work_busy", "Handler threads busy",
                     [&pool] { return static_cast<double>(pool.busy()); });
  metrics_.add_gauge("admit_db_pool_in_use", "Database connections borrowed",
                     [this] { return static_cast<double>(db_->stats().in_use); });
  metrics_.add_gauge("admit_db_pool_size", "Database connections open",
                     [this] { return static_cast<double>(db_->stats().size); });

  http::Router router;
  add_routes(router);
  StoreAuthenticator authenticator(users_);

  http::ServerOptions options;
  options.listen = config_.listen;
  options.io_threads = config_.io_threads;
  options.pool = &pool;
  options.web_root = config_.web_root;
  options.public_url = config_.public_url;
  options.trust_proxy = config_.trust_proxy;
  http::Server server(options, router, &authenticator, metrics_);
  server.start();
  log::info("serving", {{"listen", config_.listen},
                        {"port", server.port()},
                        {"public_url", config_.public_url}});
  server.run_until_signal();
  pool.stop();
  log::info("stopped");
  return 0;
}

}  // namespace admit::app
