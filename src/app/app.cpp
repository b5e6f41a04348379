#include "app/app.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <latch>

#include "app/authenticator.hpp"
#include "app/open_database.hpp"
#include "auth/memory_rate_limiter.hpp"
#include "common/log.hpp"
#include "common/random.hpp"
#include "http/handlers/account.hpp"
#include "http/handlers/admin.hpp"
#include "http/handlers/auth.hpp"
#include "http/handlers/checkins.hpp"
#include "http/handlers/event_reads.hpp"
#include "http/handlers/events.hpp"
#include "http/handlers/payments.hpp"
#include "http/handlers/quotes.hpp"
#include "http/handlers/registrations.hpp"
#include "http/middleware.hpp"
#include "http/handlers/tickets.hpp"
#include "blob/file_blob_store.hpp"
#include "blob/s3_blob_store.hpp"
#include "http/server.hpp"
#include "mail/file_mailer.hpp"
#include "mail/mail_retention.hpp"
#include "mail/outbox_sender.hpp"
#include "mail/smtp_mailer.hpp"
#include "payments/no_payment_gateway.hpp"
#include "payments/stripe_gateway.hpp"
#include "storage/postgres/postgres_change_feed.hpp"
#include "storage/sql/migrations.hpp"
#include "storage/sql/sql_change_poller.hpp"
#include "storage/sql/sql_rate_limiter.hpp"

namespace admit::app {
namespace {

// Files the server makes hold personal data (the database, mail, tickets): nobody but the
// server's user may read them. The umask covers every file made later (SQLite's -wal and
// -shm, .eml files, keys); the data folder, when made here, is 0700.
void secure_data_dir(const Config& config) {
  ::umask(077);
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(config.data_dir, ec)) {
    fs::create_directories(config.data_dir);
    fs::permissions(config.data_dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  } else if ((fs::status(config.data_dir, ec).permissions() &
              (fs::perms::group_all | fs::perms::others_all)) != fs::perms::none) {
    log::warn("the data folder can be read by other users; chmod 700 it",
              {{"data_dir", config.data_dir}});
  }
}

// An SQLite database made by an older version (or by hand) may be readable by others:
// the database file and its -wal/-shm companions are made 0600.
void restrict_sqlite_files(const Config& config) {
  if (config.database.rfind("sqlite:", 0) != 0) return;
  const std::string path = config.database.substr(7);
  for (const std::string& f : {path, path + "-wal", path + "-shm"}) {
    std::error_code ec;
    if (std::filesystem::exists(f, ec))
      std::filesystem::permissions(f, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                   std::filesystem::perm_options::replace, ec);
  }
}

std::unique_ptr<sql::Database> open(const Config& config) {
  secure_data_dir(config);
  sql::OpenOptions options;
  options.pool_size = config.db_pool;
  options.durable = config.durability != "relaxed";
  if (!options.durable)
    log::warn("durability is relaxed: a power cut or crash may lose the last commits whose "
              "answers were already sent");
  auto db = open_database(config.database, options);
  restrict_sqlite_files(config);
  return db;
}

// One node on SQLite counts in memory; PostgreSQL nodes share the rate_limits table.
std::unique_ptr<RateLimiter> make_limiter(sql::Database& db) {
  if (db.dialect() == sql::Dialect::postgres) return std::make_unique<sql::SqlRateLimiter>(db);
  return std::make_unique<auth::MemoryRateLimiter>();
}

AccountSettings account_settings(const Config& config) {
  AccountSettings s;
  s.public_url = config.public_url;
  return s;
}

std::unique_ptr<Mailer> make_mailer(const Config& config) {
  if (config.smtp_url.empty())
    return std::make_unique<mail::FileMailer>(std::filesystem::path(config.data_dir) / "outbox",
                                              config.mail_from);
  return std::make_unique<mail::SmtpMailer>(mail::SmtpOptions{config.smtp_url, config.mail_from});
}

RegistrationEngineOptions engine_options(const Config& config, const sql::Database& db) {
  RegistrationEngineOptions o;
  // SQLite has one writer connection: one writer thread. PostgreSQL spreads events.
  const bool sqlite = db.dialect() == sql::Dialect::sqlite;
  o.writers = sqlite ? 1 : config.registration_writers;
  o.batch = config.registration_batch > 0 ? config.registration_batch : (sqlite ? 128 : 64);
  o.queue = config.registration_queue;
  return o;
}

AbuseLimits abuse_limits(const Config& config) {
  AbuseLimits l;
  l.registrations_per_user.limit = config.registration_rate_per_user;
  l.registrations_per_address.limit = config.registration_rate_per_address;
  l.waitlist_joins_per_user.limit = config.waitlist_rate_per_user;
  return l;
}

std::string describe_error(const Error& e) {
  std::string out = e.detail;
  for (const auto& f : e.errors) out += (out.empty() ? "" : "; ") + f.field + ": " + f.message;
  return out;
}

std::shared_ptr<const tickets::TicketKeyring> open_keys(const Config& config) {
  tickets::KeyringOptions o;
  o.dir = std::filesystem::path(config.data_dir) / "keys";
  o.signing_key = config.ticket_signing_key;
  o.trusted_public_keys = config.ticket_trusted_keys;
  auto ring = tickets::TicketKeyring::open(o);
  if (!ring) throw std::runtime_error("ticket signing keys: " + describe_error(ring.error()));
  return std::move(*ring);
}

std::unique_ptr<BlobStore> make_blob_store(const Config& config) {
  if (config.blob_store == "s3")
    return std::make_unique<blob::S3BlobStore>(blob::S3Options{config.s3_endpoint, config.s3_region,
                                                               config.s3_bucket, config.s3_access_key,
                                                               config.s3_secret_key});
  return std::make_unique<blob::FileBlobStore>(std::filesystem::path(config.data_dir) / "blobs");
}

// The download-link key: configured, or made once into <data_dir>/keys/link.key (0600).
LinkKey link_key(const Config& config) {
  auto key = tickets::load_or_create_link_key(config.link_key, std::filesystem::path(config.data_dir) / "keys");
  if (!key) throw std::runtime_error("download link key: " + describe_error(key.error()));
  return *key;
}

// SQLite has one writer connection: one check-in writer. PostgreSQL spreads tickets.
CheckinOptions checkin_options(const Config& config, const sql::Database& db) {
  CheckinOptions o;
  o.writers = db.dialect() == sql::Dialect::sqlite ? 1 : config.checkin_writers;
  return o;
}

// Issuing waits while the registration engine writes batches (a sale), so the database's
// writer and the disk's syncs go to the sale (TicketSettings::urgent_writes).
TicketSettings ticket_settings(const Config& config, std::function<std::uint64_t()> urgent_writes) {
  TicketSettings s;
  s.public_url = config.public_url;
  s.link_ttl = std::chrono::seconds(config.download_link_seconds);
  s.urgent_writes = std::move(urgent_writes);
  return s;
}

// Rendering PDFs must not take the cores from the network threads and the registration
// writers. Linux schedules threads one by one, so each thread of a pool sets its own class
// (a latch makes every thread take exactly one of these tasks):
// - `idle` (issuing, catch-up work): SCHED_IDLE, which runs only on CPU time nothing else
//   wants; during a sale the issuing waits, and it drains the backlog at full speed once
//   the cores are free. Its threads hold no lock and no database connection (the issuer
//   loop does the reads and the commit), so nothing else can wait behind them.
// - `background` (downloads a person is waiting for): nice 10.
enum class PoolPriority { background, idle };
void lower_priority(WorkPool& pool, int threads, PoolPriority priority) {
  auto latch = std::make_shared<std::latch>(threads);
  for (int i = 0; i < threads; ++i)
    if (!pool.try_post([latch, priority] {
          sched_param none{};
          if (priority != PoolPriority::idle || pthread_setschedparam(pthread_self(), SCHED_IDLE, &none) != 0)
            setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), priority == PoolPriority::idle ? 19 : 10);
          latch->arrive_and_wait();
        }))
      latch->count_down();
}

// Stripe when a secret key is configured. The webhook secret may list several, comma
// separated, while an endpoint secret is rotated.
std::unique_ptr<PaymentGateway> make_gateway(const Config& config) {
  if (config.stripe_secret_key.empty()) return std::make_unique<payments::NoPaymentGateway>();
  payments::StripeOptions o;
  o.api_base = config.stripe_api_base;
  o.secret_key = config.stripe_secret_key;
  o.public_url = config.public_url;
  std::string_view rest = config.stripe_webhook_secret;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    auto one = rest.substr(0, comma);
    while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
    while (!one.empty() && one.back() == ' ') one.remove_suffix(1);
    if (!one.empty()) o.webhook_secrets.emplace_back(one);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
  }
  return std::make_unique<payments::StripeGateway>(std::move(o));
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
      users_(*db_, credentials_),
      events_(*db_),
      catalog_(events_, *clock_),
      account_store_(*db_, credentials_),
      outbox_store_(*db_),
      limiter_(make_limiter(*db_)),
      accounts_(account_store_, users_, events_, passwords_, *limiter_, *clock_,
                account_settings(config_)),
      registration_store_(*db_),
      payments_(make_gateway(config_)),
      engine_(registration_store_, *clock_, *payments_, engine_options(config_, *db_)),
      registrations_(registration_store_, events_, engine_, *clock_, config_.public_url),
      ticket_store_(*db_),
      keys_(open_keys(config_)),
      blobs_(make_blob_store(config_)),
      documents_(keys_),
      links_(link_key(config_)),
      tickets_(ticket_store_, registration_store_, events_, users_, *blobs_, documents_, links_,
               *clock_, ticket_settings(config_, [this] { return engine_.stats().batches; })),
      payment_store_(*db_),
      payment_service_(payment_store_, registration_store_, events_, *payments_, *clock_, config_.public_url),
      checkin_store_(*db_),
      codes_(keys_),
      checkins_(checkin_store_, events_, codes_, *clock_, checkin_options(config_, *db_)),
      snapshots_(events_, *clock_) {
  log::set_level(level_of(config_.log_level));
  catalog_.on_cancelled([this](const Event& e) {
    registrations_.on_event_cancelled(e);
    payment_service_.refund_due();  // every paid registration of it (the rest: reconciliation)
  });
  catalog_.on_updated([this](const Event& e) {
    registrations_.on_event_updated(e);
    tickets_.on_event_updated(e);  // PDFs show the event: render them again when asked
  });
  // The public snapshots: re-read after an organizer's change or returned seats (before
  // that request answers), counts straight from each registration commit.
  catalog_.on_changed([this](const Event& e) { snapshots_.refresh(e.id); });
  engine_.on_seats_returned([this](const std::string& id) { snapshots_.refresh(id); });
  engine_.on_counts([this](const std::vector<RegistrationEngine::Counts>& counts) {
    snapshots_.apply_counts(counts);
  });
  // Promo codes are guessable by trying them: count tries on the same limiter as sign-in.
  registrations_.limit_promo_attempts(*limiter_);
  // Registration and waiting-list budgets, counted in memory (the hot path never waits
  // for a database write to count; docs/security.md).
  registrations_.limit_abuse(abuse_limiter_, abuse_limits(config_));
  catalog_.limit_creation(abuse_limiter_, RateRule{config_.event_rate_per_user, std::chrono::hours(1)});
  payment_service_.on_confirmed([this] { tickets_.wake(); });  // paid: issue its tickets now
  payment_service_.on_seats_returned([this](const std::string& event_id) { engine_.seats_returned(event_id); });
  payment_service_.on_seats_taken([this](const std::string& event_id) { snapshots_.refresh(event_id); });
  registrations_.count_checkins_with([this](const std::string& id) { return checkins_.per_hour(id); });
  accounts_.profile().on_account_deleting(
      [this](const std::string& user_id) { registrations_.cancel_upcoming_for_user(user_id); });
}

App::~App() = default;

int App::migrate() { return sql::migrate(*db_); }

void App::add_routes(http::Router& router) {
  // Exactly `ok` (API.md, api/openapi.yaml); a database that does not answer is a 503 problem.
  const http::RouteOptions open{.allow = http::kPublic};
  router.get("/healthz", http::sync([](http::Request&) { return http::Response::text(200, "ok"); }),
             open);
  router.get("/readyz", http::sync([this](http::Request& req) {
               if (db_->ping()) return http::Response::text(200, "ok");
               return http::Response::problem(Error::unavailable(5, "The database is unreachable."),
                                              req.request_id);
             }),
             open);
  // /metrics on the public listener only behind its own bearer token (metrics_listen
  // serves it on a separate address without one; serve()). Without a token the route
  // still exists, answering 404, so that the web app's fallback never answers it either.
  add_metrics_route(router, std::optional<std::string>(config_.metrics_token));
  http::add_public_read_routes(
      router, http::PublicReads{catalog_, snapshots_,
                                [this](const Event& event, const std::string& code,
                                       const PromoAttempt& who) {
                                  return registrations_.try_promo(event, code, who);
                                },
                                http_pool_});
  http::add_event_routes(router, catalog_);
  const http::SessionCookieOptions cookie{config_.https()};
  http::add_auth_routes(router, accounts_, *hash_pool_, cookie);
  http::add_account_routes(router, accounts_, *hash_pool_, cookie);
  http::add_admin_routes(router, accounts_);
  http::add_registration_routes(router, engine_, registrations_);
  http::add_quote_routes(router, http::Quotes{catalog_, registrations_, *clock_});
  http::add_ticket_routes(router, tickets_, *pdf_pool_);
  http::add_payment_routes(router, payment_service_);
  http::add_checkin_routes(router, checkins_);
}

void App::add_metrics_route(http::Router& router, const std::optional<std::string>& token) {
  router.get("/metrics", http::sync([this, token](http::Request& req) {
               if (token && token->empty())
                 return http::Response::problem(
                     Error{ErrorCode::not_found,
                           "/metrics is not served on this address (ADMIT_METRICS_LISTEN, "
                           "ADMIT_METRICS_TOKEN).",
                           {}},
                     req.request_id);
               if (token) {
                 auto given = req.header("authorization");
                 const std::string expected = "Bearer " + *token;
                 if (!given || !constant_time_equal(*given, expected)) {
                   auto r = http::Response::problem(
                       Error::unauthenticated("/metrics needs Authorization: Bearer <metrics token>."),
                       req.request_id);
                   r.header("WWW-Authenticate", "Bearer realm=\"metrics\"");
                   return r;
                 }
               }
               return http::Response::text(200, metrics_.render(),
                                           "text/plain; version=0.0.4; charset=utf-8");
             }),
             http::RouteOptions{.allow = http::kPublic});  // its own token, checked above
}

void App::register_metrics(WorkPool& pool) {
  metrics_.add_gauge("admit_work_queue_depth", "Requests waiting for a handler thread",
                     [&pool] { return static_cast<double>(pool.queue_depth()); });
  metrics_.add_gauge("admit_work_busy", "Handler threads busy",
                     [&pool] { return static_cast<double>(pool.busy()); });
  metrics_.add_gauge("admit_db_pool_in_use", "Database connections borrowed",
                     [this] { return static_cast<double>(db_->stats().in_use); });
  metrics_.add_gauge("admit_db_pool_size", "Database connections open",
                     [this] { return static_cast<double>(db_->stats().size); });
  metrics_.add_gauge("admit_hash_queue_depth", "Password hashes waiting for a thread",
                     [this] { return static_cast<double>(hash_pool_->queue_depth()); });
  metrics_.add_gauge("admit_registration_queue_depth", "Registration requests waiting for a writer",
                     [this] { return static_cast<double>(engine_.queue_depth()); });
  metrics_.add_counter("admit_registration_batches_total", "Registration transactions run by writers",
                       [this] { return static_cast<double>(engine_.stats().batches); });
  metrics_.add_counter("admit_registration_batched_requests_total",
                       "Registration requests carried by those transactions",
                       [this] { return static_cast<double>(engine_.stats().batched_requests); });
  metrics_.add_gauge("admit_registration_batch_size_mean", "Mean requests per registration transaction",
                     [this] {
                       auto s = engine_.stats();
                       return s.batches ? static_cast<double>(s.batched_requests) / s.batches : 0.0;
                     });
  metrics_.add_counter("admit_registrations_created_total", "Registrations created",
                       [this] { return static_cast<double>(engine_.stats().created); });
  metrics_.add_counter("admit_registration_sold_out_total", "sold_out answers from the database",
                       [this] { return static_cast<double>(engine_.stats().sold_out); });
  metrics_.add_counter("admit_registration_sold_out_memory_total",
                       "sold_out answers from the in-memory flag",
                       [this] { return static_cast<double>(engine_.stats().sold_out_from_memory); });
  metrics_.add_counter("admit_registration_queue_full_total", "Registrations refused with 503 (queue full)",
                       [this] { return static_cast<double>(engine_.stats().rejected_queue_full); });
}

void App::register_server_metrics(const http::Server& server) {
  metrics_.add_gauge("admit_http_connections", "Open client connections",
                     [&server] { return static_cast<double>(server.connection_count()); });
  metrics_.add_counter("admit_http_connections_refused_total",
                       "Connections closed at accept because max_connections were open",
                       [&server] { return static_cast<double>(server.refused_connections()); });
  metrics_.add_counter("admit_http_connections_refused_per_address_total",
                       "Connections closed at accept because their address had "
                       "max_connections_per_address open",
                       [&server] { return static_cast<double>(server.refused_per_address()); });
}

std::unique_ptr<ChangeFeed> App::start_public_reads() {
  snapshots_.load_all();
  snapshots_.start();
  std::unique_ptr<ChangeFeed> feed;
  if (db_->dialect() == sql::Dialect::postgres)
    feed = std::make_unique<sql::PostgresChangeFeed>(config_.database);
  else
    feed = std::make_unique<sql::SqlChangePoller>(*db_, std::chrono::seconds(1));
  feed->start([this](const std::string& id) { snapshots_.refresh_soon(id); },
              [this] {
                snapshots_.load_all();
                snapshots_.refresh_all_soon();
              });
  metrics_.add_gauge("admit_public_events_in_memory", "Public events held by the read snapshots",
                     [this] { return static_cast<double>(snapshots_.stats().events); });
  metrics_.add_counter("admit_public_event_renders_total", "Event JSON renderings by the snapshots",
                       [this] { return static_cast<double>(snapshots_.stats().renders); });
  return feed;
}

http::ServerOptions App::server_options(WorkPool& pool) const {
  http::ServerOptions options;
  options.listen = config_.listen;
  options.io_threads = config_.io_threads;
  options.max_connections = static_cast<std::size_t>(config_.max_connections);
  options.max_connections_per_address = static_cast<std::size_t>(config_.max_connections_per_address);
  for (const auto& address : config_.connection_limit_exempt_list())  // canonical, as peers are
    options.per_address_exempt.push_back(http::parse_ip_address(address).value_or(address));
  options.header_timeout = std::chrono::seconds(config_.header_timeout);
  options.body_timeout = std::chrono::seconds(config_.body_timeout);
  options.pool = &pool;
  options.web_root = config_.web_root;
  options.public_url = config_.public_url;
  options.trust_proxy = config_.trust_proxy;
  return options;
}

// The .eml files of the file mailer are deleted mail_retention after sending, checked every
// hour or, for a short retention, four times per retention period.
std::unique_ptr<BackgroundLoop> App::mail_retention_task() const {
  const std::int64_t keep = config_.mail_retention_seconds();
  if (!config_.smtp_url.empty() || keep <= 0) return nullptr;
  const auto every = std::chrono::milliseconds(std::clamp<std::int64_t>(keep * 250, 250, 3600 * 1000));
  auto dir = std::filesystem::path(config_.data_dir) / "outbox";
  return std::make_unique<BackgroundLoop>("mail-retention", every, BackgroundLoop::each([dir, keep] {
    if (auto n = mail::delete_old_mail(dir, std::chrono::seconds(keep)); n > 0)
      log::info("deleted sent mail past its retention", {{"files", n}});
  }));
}

// Tickets: PDFs render on their own bounded pool; the issuer turns confirmed registrations
// into codes, PDFs and mail (DESIGN.md §5). Registrations: the batching writers and the
// sweeper. Check-in: the writers that batch scans.
void App::start_workers(WorkPool& pool) {
  pdf_pool_ = std::make_unique<WorkPool>("pdf", static_cast<std::size_t>(config_.pdf_threads),
                                         static_cast<std::size_t>(config_.pdf_queue));
  metrics_.add_gauge("admit_pdf_queue_depth", "Ticket PDFs waiting for a thread",
                     [this] { return static_cast<double>(pdf_pool_->queue_depth()); });
  lower_priority(*pdf_pool_, config_.pdf_threads, PoolPriority::background);
  // The issuer's own pool: a short queue it refills as the threads drain it.
  issue_pool_ = std::make_unique<WorkPool>("issue", static_cast<std::size_t>(config_.pdf_threads),
                                           static_cast<std::size_t>(16 * config_.pdf_threads));
  lower_priority(*issue_pool_, config_.pdf_threads, PoolPriority::idle);
  tickets_.start(*issue_pool_);
  if (db_->dialect() == sql::Dialect::postgres &&
      (config_.ticket_signing_key.empty() || config_.link_key.empty()))
    log::warn("ticket keys come from this node's data folder: with several nodes, give every node "
              "the same ticket_signing_key and link_key (docs/operations.md)",
              {{"data_dir", config_.data_dir}});

  // Registrations: the batching writers and the sweeper (holds, waiting-list offers).
  engine_.set_lookup_pool(&pool);  // registering runs on the network threads (nonblocking route)
  engine_.start();
  registrations_.start_sweeper(std::chrono::seconds(1));
  // Payments: open checkouts whose webhook never came are looked up at the provider.
  const auto reconcile_every = std::chrono::seconds(config_.stripe_reconcile_seconds);
  reconciler_ = std::make_unique<BackgroundLoop>(
      "pay-reconcile", reconcile_every, BackgroundLoop::each([this, reconcile_every] {
        if (!payments_->enabled()) return;
        auto r = payment_service_.reconcile(reconcile_every);
        if (r.applied > 0)
          log::info("payments reconciled", {{"checked", r.checked}, {"applied", r.applied}});
      }));
  reconciler_->start();

  // Check-in: the writers that batch scans into transactions (DESIGN.md §5).
  checkins_.start();
  metrics_.add_gauge("admit_checkin_queue_depth", "Scans waiting for a check-in writer",
                     [this] { return static_cast<double>(checkins_.queue_depth()); });
  metrics_.add_counter("admit_checkin_batches_total", "Check-in transactions run by writers",
                       [this] { return static_cast<double>(checkins_.batches()); });
}

// The public listener (and /metrics on its own address when configured), until a signal;
// then `shutdown` runs while the routes, the authenticator and the server still exist (the
// work pool may still be running handlers until shutdown stops it).
void App::serve_http(WorkPool& pool, const std::function<void()>& shutdown) {
  http_pool_ = &pool;
  http::Router router;
  add_routes(router);
  StoreAuthenticator authenticator(users_, *clock_, &accounts_, config_.https());
  http::Server server(server_options(pool), router, &authenticator, metrics_);
  register_server_metrics(server);
  // /metrics on its own address (for the scraper's network only), when configured.
  http::Router metrics_router;
  std::unique_ptr<http::Server> metrics_server;
  if (!config_.metrics_listen.empty()) {
    add_metrics_route(metrics_router, std::nullopt);
    http::ServerOptions o;
    o.listen = config_.metrics_listen;
    o.io_threads = 1;
    o.pool = &pool;
    o.access_log = false;
    metrics_server = std::make_unique<http::Server>(o, metrics_router, nullptr, metrics_);
    metrics_server->start();
    log::info("serving metrics", {{"listen", config_.metrics_listen}, {"port", metrics_server->port()}});
  }
  server.start();
  log::info("serving", {{"listen", config_.listen},
                        {"port", server.port()},
                        {"public_url", config_.public_url}});
  server.run_until_signal();
  if (metrics_server) metrics_server->stop();
  shutdown();
}

int App::serve() {
  int applied = migrate();
  log::info("database ready", {{"migrations_applied", applied},
                               {"schema_version", sql::current_version(*db_)}});

  WorkPool pool("http", static_cast<std::size_t>(config_.work_threads),
                static_cast<std::size_t>(config_.work_queue));
  // Password hashing gets its own small pool: a burst of sign-ins waits there (or answers
  // 503) instead of occupying every handler thread.
  hash_pool_ = std::make_unique<WorkPool>("argon2", 2, 64);
  register_metrics(pool);

  // Mail: queued in the outbox by the services, delivered by this background loop.
  auto mailer = make_mailer(config_);
  mail::OutboxSender sender(outbox_store_, *mailer, *clock_);
  // Ticket PDFs are attached by blob key; a PDF the store lost is rendered again.
  sender.set_attachment_loader([this](const std::string& key) { return tickets_.attachment(key); });
  accounts_.on_mail_queued([&sender] { sender.wake(); });
  struct HookReset {
    AccountService& accounts;
    ~HookReset() { accounts.on_mail_queued(nullptr); }
  } hook_reset{accounts_};
  // Ended sessions and used or expired mail links: purged at start, then every hour (every
  // node does it; the deletes are idempotent).
  BackgroundLoop purger("purge-expired", std::chrono::hours(1), BackgroundLoop::each([this] {
    if (auto n = accounts_.sessions().purge_expired(); n > 0)
      log::info("purged ended sessions and mail links", {{"rows", n}});
  }));
  purger.start();
  auto retention = mail_retention_task();
  if (retention) retention->start();
  sender.start();
  log::info("mail", {{"transport", config_.smtp_url.empty() ? "files" : "smtp"},
                     {"node", sender.node_id()}, {"retention", config_.mail_retention}});

  start_workers(pool);

  // Public reads: every published event in memory before the first request; on
  // PostgreSQL the other nodes' changes arrive through LISTEN/NOTIFY (SQLite: one node,
  // but other processes, e.g. `admit demo`, may add events: a poll).
  std::unique_ptr<ChangeFeed> feed = start_public_reads();
  serve_http(pool, [&] {
    feed->stop();
    snapshots_.stop();
    pool.stop();
    checkins_.stop();
    tickets_.stop();
    issue_pool_->stop();
    pdf_pool_->stop();
    reconciler_->stop();
    registrations_.stop_sweeper();
    engine_.stop();
    hash_pool_->stop();
    sender.stop();
    if (retention) retention->stop();
    purger.stop();
  });
  log::info("stopped");
  return 0;
}

}  // namespace admit::app
