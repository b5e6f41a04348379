#pragma once
// The composition root: the only place that knows every concrete implementation. It opens
// the database, builds stores, services and routes, and runs the server. Tests and
// benchmarks drive the same wiring.
#include <memory>

#include "app/config.hpp"
#include "auth/argon2_passwords.hpp"
#include "auth/memory_rate_limiter.hpp"
#include "common/clock.hpp"
#include "common/work_pool.hpp"
#include "domain/ports/payment_gateway.hpp"
#include "domain/ports/rate_limiter.hpp"
#include "domain/services/account_service.hpp"
#include "domain/services/catalog_service.hpp"
#include "domain/services/registration_engine.hpp"
#include "domain/services/payment_service.hpp"
#include "domain/services/registration_service.hpp"
#include "domain/services/ticket_service.hpp"
#include "app/ticket_documents.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "storage/sql/database.hpp"
#include "storage/sql/sql_account_store.hpp"
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
  TicketService& tickets() { return tickets_; }
  BlobStore& blobs() { return *blobs_; }
  const tickets::TicketKeyring& ticket_keys() const { return *keys_; }

  // Applies pending migrations; returns how many ran.
  int migrate();
  // Migrates, then serves until SIGTERM/SIGINT. Returns the process exit code.
  int serve();

 private:
  void add_routes(http::Router& router);

  Config config_;
  std::shared_ptr<const Clock> clock_;
  std::unique_ptr<sql::Database> db_;
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
  std::unique_ptr<WorkPool> pdf_pool_;   // ticket PDFs (pdf_threads, pdf_queue); made by serve()
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
};

}  // namespace admit::app
