#pragma once
// Configuration: one validated struct, read from an optional TOML file and overridden by
// ADMIT_* environment variables (ADMIT_LISTEN, ADMIT_DATABASE, ...). Every key of the file
// has an environment twin: the key upper-cased with the ADMIT_ prefix.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace admit::app {

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string database = "sqlite:data/admit.db";
  std::string data_dir = "data";
  std::string public_url;  // default: http://<listen>
  std::string web_root = "web/dist";
  int io_threads = 2;
  int max_connections = 10000;  // open at once; more are closed at accept
  // Open at once from one client address (0 = no cap); addresses listed in
  // connection_limit_exempt (comma-separated, e.g. a reverse proxy) are not capped.
  int max_connections_per_address = 512;
  std::string connection_limit_exempt;
  int header_timeout = 10;  // seconds for a request's header to arrive
  int body_timeout = 30;    // seconds for its body (and for writing an answer)
  // /metrics: served on this separate address when set ("127.0.0.1:9090"); on the public
  // listener only with `Authorization: Bearer <metrics_token>` when that is set; else not
  // at all on the public listener.
  std::string metrics_listen;
  std::string metrics_token;
  // How long sent .eml files stay in <data_dir>/outbox: "7d", "12h", "30m", "90s"; "0"
  // keeps them.
  std::string mail_retention = "7d";
  int work_threads = 8;
  int work_queue = 4096;
  int db_pool = 8;
  // "durable" (default): an answer that stored something (a registration, a cancellation,
  // a check-in, a payment state) is sent only after its commit reached stable storage.
  // "relaxed": commits return before that, so a power cut or OS crash (on PostgreSQL: a
  // database server crash) may lose the last commits whose answers went out. See
  // docs/operations.md and docs/decisions/0007-durable-acknowledgements.md.
  std::string durability = "durable";
  std::string log_level = "info";
  bool trust_proxy = false;
  // Mail: empty smtp_url writes .eml files to <data_dir>/outbox.
  std::string smtp_url;
  std::string mail_from = "admit <no-reply@admit.localhost>";
  // Payments (Stripe test mode).
  std::string stripe_secret_key;
  std::string stripe_webhook_secret;  // several, comma separated, during a rotation
  std::string stripe_api_base = "https://api.stripe.com";
  // Reconciliation: how often open checkouts without a webhook are looked up (a session
  // is looked up once it has been quiet this long).
  int stripe_reconcile_seconds = 300;
  // Registration engine.
  int registration_writers = 2;      // PostgreSQL; SQLite always uses one (bench/README.md)
  // Requests per transaction at most (1 = batching off; 0 = by backend: 128 on SQLite's
  // single writer, 64 per writer on PostgreSQL, where smaller, steadier batches gave a
  // lower p99 in the flash-sale bench).
  int registration_batch = 0;
  int registration_queue = 20000;    // waiting requests before 503
  // Check-in writer threads on PostgreSQL (SQLite always uses one): each records a batch of
  // scans in a handful of statements and one synced commit, so fewer writers make larger
  // batches and fewer commits. On a quiet 2-core machine (bench/README.md, check-in): 1
  // writer 12,000-13,900 scans/s at p99 42-47 ms; 2 writers 12,800/s at 47-53 ms; 4
  // writers 7,900/s at 89 ms. More may pay on a machine with more cores and disks.
  int checkin_writers = 1;
  // Abuse limits (docs/security.md; 0 switches one off, e.g. for the benchmark, whose many
  // users share one address): registration attempts a minute per account and per client
  // address, waiting-list joins and new events an hour per account.
  int registration_rate_per_user = 30;
  int registration_rate_per_address = 600;
  int waitlist_rate_per_user = 20;
  int event_rate_per_user = 50;
  // Tickets: files (ticket PDFs) in <data_dir>/blobs, or S3-compatible object storage.
  std::string blob_store = "file";  // file | s3
  std::string s3_endpoint;          // e.g. https://s3.eu-central-1.amazonaws.com (path style)
  std::string s3_region = "us-east-1";
  std::string s3_bucket;
  std::string s3_access_key;
  std::string s3_secret_key;
  // Ticket signing (tickets/keyring.hpp): empty = keys in <data_dir>/keys, made at first start.
  std::string ticket_signing_key;   // "<id>:<hex seed>"
  std::string ticket_trusted_keys;  // "<id>:<hex public key>,..."
  // Download links: HMAC key (64 hex digits; empty = <data_dir>/keys/link.key, made at
  // first start) and lifetime.
  std::string link_key;
  int download_link_seconds = 600;
  int pdf_threads = 2;   // the PDF pool (issuing and downloads)
  int pdf_queue = 1024;  // PDFs waiting for a thread before downloads answer 503

  bool https() const { return public_url.rfind("https://", 0) == 0; }
  std::int64_t mail_retention_seconds() const;  // 0 = keep
  std::vector<std::string> connection_limit_exempt_list() const;
};

// Loads the file (if given) then the environment; validates. Errors name each setting,
// e.g. "ADMIT_IO_THREADS: must be an integer between 1 and 64".
Result<Config> load_config(const std::optional<std::string>& file,
                           const std::map<std::string, std::string>& environment);
std::map<std::string, std::string> current_environment();
// The settings as text for `admit config check`, with secrets masked.
std::string describe(const Config& config);

}  // namespace admit::app
