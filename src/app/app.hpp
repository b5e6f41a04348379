#pragma once
// The composition root: the only place that knows every concrete implementation. It opens
// the database, builds stores, services and routes, and runs the server. Tests and
// benchmarks drive the same wiring.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "app/config.hpp"
#include "common/background_loop.hpp"
#include "auth/argon2_passwords.hpp"
#include "auth/memory_rate_limiter.hpp"
#include "common/clock.hpp"
#include "common/work_pool.hpp"
#include "domain/ports/change_feed.hpp"
#include "domain/ports/payment_gateway.hpp"
#include "domain/ports/rate_limiter.hpp"
#include "domain/services/account_service.hpp"
#include "domain/services/catalog_service.hpp"
#include "domain/services/checkin_service.hpp"
#include "domain/services/registration_engine.hpp"
#include "domain/services/payment_service.hpp"
#include "domain/services/registration_service.hpp"
#include "http/event_snapshots.hpp"
#include "domain/services/ticket_service.hpp"
#include "app/ticket_codes.hpp"
#include "app/ticket_documents.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "storage/sql/database.hpp"
#include "storage/sql/sql_account_store.hpp"
#include "storage/sql/sql_checkin_store.hpp"
#include "storage/sql/sql_event_store.hpp"
#include "storage/sql/sql_outbox_store.hpp"
#include "storage/sql/sql_payment_store.hpp"
#include "storage/sql/sql_registration_store.hpp"
#include "storage/sql/sql_ticket_store.hpp"
#include "storage/sql/sql_user_store.hpp"

namespace admit::http {
class Authenticator;
}

namespace admit::app {

class App {
 public:
  // Opens the database (throws std::runtime_error with a clear message when it cannot).
  explicit App(Config config, std::shared_ptr<const Clock> clock = std::make_shared<SystemClock>());
  ~App();

  const Config& config() const { return config_; }
  const Clock& clock() const { return *clock_; }
  sql::Database& database() { return *db_; }
  UserStore& users() { return users_; }
  EventStore& events() { return events_; }
  CatalogService& catalog() { return catalog_; }
  AccountStore& account_store() { return account_store_; }
  OutboxStore& outbox() { return outbox_store_; }
  AccountService& accounts() { return accounts_; }
  RegistrationStore& registration_store() { return registration_store_; }
  RegistrationEngine& registration_engine() { return engine_; }
  RegistrationService& registrations() { return registrations_; }
  http::EventSnapshots& snapshots() { return snapshots_; }
  TicketService& tickets() { return tickets_; }
  CheckinService& checkins() { return checkins_; }
  BlobStore& blobs() { return *blobs_; }
  const tickets::TicketKeyring& ticket_keys() const { return *keys_; }

  // Applies pending migrations; returns how many ran.
  int migrate();
  // Migrates, then serves until SIGTERM/SIGINT. Returns the process exit code.
  int serve();

 private:
  void add_routes(http::Router& router);
  // token: nullopt serves /metrics to anyone (the separate metrics listener); a value
  // serves it to `Authorization: Bearer <value>`; an empty value answers 404.
  void add_metrics_route(http::Router& router, const std::optional<std::string>& token);
  void register_metrics(WorkPool& pool);
  void register_server_metrics(const http::Server& server);
  http::ServerOptions server_options(WorkPool& pool) const;
  std::unique_ptr<BackgroundLoop> mail_retention_task() const;
  void start_workers(WorkPool& pool);
  void serve_http(WorkPool& pool, const std::function<void()>& shutdown);
  // Loads the public snapshots and starts the feed of other nodes' (or processes') changes.
  std::unique_ptr<ChangeFeed> start_public_reads();

  Config config_;
  std::shared_ptr<const Clock> clock_;
  std::unique_ptr<sql::Database> db_;
  sql::CredentialsEpoch credentials_;  // user and token writes, for the token cache
  sql::SqlUserStore users_;
  sql::SqlEventStore events_;
  CatalogService catalog_;
  // Accounts (issue 4): sessions, links, audit and outbox tables; rate limits in memory on
  // SQLite (one node) and in the database on PostgreSQL (shared by every node).
  sql::SqlAccountStore account_store_;
  sql::SqlOutboxStore outbox_store_;
  auth::Argon2Passwords passwords_;
  std::unique_ptr<RateLimiter> limiter_;
  auth::MemoryRateLimiter abuse_limiter_;  // registrations, waiting list, event creation
  AccountService accounts_;
  std::unique_ptr<WorkPool> hash_pool_;  // argon2id on 2 threads, 64 queued; made by serve()
  std::unique_ptr<WorkPool> pdf_pool_;   // ticket PDF downloads (pdf_threads, pdf_queue); made by serve()
  std::unique_ptr<WorkPool> issue_pool_; // issuing tickets, at idle CPU priority (pdf_threads)
  std::unique_ptr<BackgroundLoop> reconciler_;  // payments reconciliation; made by serve()
  http::Metrics metrics_;
  // Registrations (issue 5): the batching engine and the rest; payments (issue 13):
  // Stripe Checkout when a secret key is configured, otherwise none.
  sql::SqlRegistrationStore registration_store_;
  std::unique_ptr<PaymentGateway> payments_;
  RegistrationEngine engine_;
  RegistrationService registrations_;
  // Tickets (issue 11): signing keys, blob store, documents, download links, the issuer.
  sql::SqlTicketStore ticket_store_;
  std::shared_ptr<const tickets::TicketKeyring> keys_;
  std::unique_ptr<BlobStore> blobs_;
  AppTicketDocuments documents_;
  LinkSigner links_;
  TicketService tickets_;
  sql::SqlPaymentStore payment_store_;
  PaymentService payment_service_;
  // Check-in (issue 12): the scan log and offline settlement, codes checked by the keyring.
  sql::SqlCheckinStore checkin_store_;
  AppTicketCodes codes_;
  CheckinService checkins_;
  // Public reads from memory (issue 14): told of every change by the catalogue, the engine
  // and, on PostgreSQL, the other nodes (the change feed, started by serve()).
  http::EventSnapshots snapshots_;
  WorkPool* http_pool_ = nullptr;  // serve()'s handler pool, for routes that need one
};

}  // namespace admit::app
