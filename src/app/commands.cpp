#include "app/commands.hpp"

#include <filesystem>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app/app.hpp"
#include "app/demo.hpp"
#include "auth/password.hpp"
#include "common/random.hpp"
#include "domain/services/text.hpp"
#include "storage/sql/migrations.hpp"
#include "tickets/keyring.hpp"

namespace admit::app {
namespace {

// Loads configuration or prints every problem and returns nullopt.
std::optional<Config> configure(const std::optional<std::string>& file) {
  std::optional<std::string> path = file;
  auto env = current_environment();
  if (!path) {
    if (auto it = env.find("ADMIT_CONFIG"); it != env.end()) path = it->second;
  }
  auto config = load_config(path, env);
  if (!config) {
    std::cerr << "admit: the configuration is not valid:\n";
    for (const auto& e : config.error().errors) std::cerr << "  " << e.field << ": " << e.message << "\n";
    return std::nullopt;
  }
  return std::move(config.value());
}

std::string read_password_from_stdin() {
  std::string password;
  std::getline(std::cin, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

int user_add(App& app, const std::string& email_in, const std::string& name,
             const std::vector<std::string>& roles) {
  std::string email = normalize_email(email_in);
  if (!is_plausible_email(email)) {
    std::cerr << "admit: --email is not a valid email address\n";
    return 2;
  }
  for (const auto& r : roles)
    if (!is_role(r)) {
      std::cerr << "admit: --role must be attendee, organizer or admin (got \"" << r << "\")\n";
      return 2;
    }
  std::string password = read_password_from_stdin();
  if (auto weak = auth::password_weakness(password)) {
    std::cerr << "admit: the password (read from standard input) " << *weak << "\n";
    return 2;
  }
  app.migrate();
  User u;
  u.id = new_id("usr");
  u.email = email;
  u.name = trim(name);
  u.password_hash = auth::hash_password(password);
  u.roles = roles;
  u.email_verified_at = u.created_at = u.updated_at = app.clock().now();
  auto created = app.users().create_user(u);
  if (!created) {
    std::cerr << "admit: " << created.error().detail << "\n";
    return 1;
  }
  std::cout << created->id << "\n";
  return 0;
}

int user_role(App& app, const std::string& email, const std::vector<std::string>& add,
              const std::vector<std::string>& remove) {
  if (add.empty() && remove.empty()) {
    std::cerr << "admit: give --add ROLE or --remove ROLE\n";
    return 2;
  }
  app.migrate();
  std::optional<User> user;
  for (const auto& [roles, adding] : {std::pair{&add, true}, std::pair{&remove, false}}) {
    for (const auto& role : *roles) {
      auto changed = app.accounts().admin().change_role(std::nullopt, email, role, adding);
      if (!changed) {
        const auto& e = changed.error();
        std::cerr << "admit: " << (e.errors.empty() ? e.detail : e.errors[0].message) << "\n";
        return e.code == ErrorCode::not_found ? 1 : 2;
      }
      user = std::move(changed.value());
    }
  }
  std::cout << user->email << ": ";
  for (std::size_t i = 0; i < user->roles.size(); ++i) std::cout << (i ? "," : "") << user->roles[i];
  std::cout << "\n";
  return 0;
}

// `--expires`: an RFC 3339 time ("2026-12-01T23:00:00Z"), or a span from now: a number
// followed by m (minutes), h (hours) or d (days), as in "12h". nullopt when neither.
std::optional<Timestamp> parse_expiry(const std::string& text, Timestamp now) {
  if (auto t = parse_rfc3339(text)) return t;
  if (text.size() < 2 || text.size() > 8) return std::nullopt;
  std::int64_t n = 0;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    n = n * 10 + (text[i] - '0');
  }
  switch (text.back()) {
    case 'm': return now + std::chrono::minutes(n);
    case 'h': return now + std::chrono::hours(n);
    case 'd': return now + std::chrono::days(n);
    default: return std::nullopt;
  }
}

int token_create(App& app, const std::string& email, const std::string& name,
                 const std::optional<std::string>& event_id,
                 const std::optional<std::string>& expires) {
  std::optional<Timestamp> expires_at;
  if (expires && !(expires_at = parse_expiry(*expires, app.clock().now()))) {
    std::cerr << "admit: --expires " << *expires
              << " is not a time such as 2026-12-01T23:00:00Z, nor a span such as 90m, 12h or 3d\n";
    return 2;
  }
  app.migrate();
  // Through the service, so the token is audited (token_created) as over HTTP.
  auto created =
      app.accounts().tokens().create_api_token_from_command_line(email, name, event_id, expires_at);
  if (!created) {
    const auto& e = created.error();
    if (e.code == ErrorCode::not_found) std::cerr << "admit: no account with email " << email << "\n";
    else if (!e.errors.empty() && e.errors[0].field == "expires_at")
      std::cerr << "admit: --expires " << *expires << " " << e.errors[0].message << "\n";
    else if (!e.errors.empty() && e.errors[0].field == "event_id" &&
             e.errors[0].message == "is not an event")
      std::cerr << "admit: no event with id " << *event_id << "\n";
    else if (!e.errors.empty() && e.errors[0].field == "event_id")
      std::cerr << "admit: --event " << *event_id << " " << e.errors[0].message << "\n";
    else std::cerr << "admit: " << e.detail << "\n";
    return 1;
  }
  std::cout << created->secret << "\n";
  return 0;
}

// Counters equal rows: events.sold, ticket_types.sold and promo_codes.uses against the
// live registrations (and open waiting-list offers) they count. Exit 1 on any difference.
int doctor(App& app) {
  app.migrate();
  auto mismatches = app.registration_store().check_counters();
  if (mismatches.empty()) {
    std::cout << "counters ok: events.sold, ticket_types.sold, promo_codes.uses and tickets match their rows\n";
    return 0;
  }
  for (const auto& m : mismatches)
    std::cout << fmt::format("MISMATCH {} {}: counter {} but rows say {}\n", m.what, m.id, m.counter, m.rows);
  std::cout << mismatches.size() << " counter(s) differ from their rows\n";
  return 1;
}

int backup(App& app, const std::string& path) {
  if (app.database().dialect() != sql::Dialect::sqlite) {
    std::cerr << "admit: for PostgreSQL use pg_dump (see docs/operations.md)\n";
    return 2;
  }
  auto conn = app.database().writer();
  conn->execute("VACUUM INTO ?", {path});
  std::cout << "backup written to " << path << "\n";
  return 0;
}

// Prints {"ticket_id", "event_id", "key_id"} for a genuine code, else the problem.
int tickets_verify(App& app, const std::string& code) {
  auto out = app.ticket_keys().verifier().verify(code);
  if (!out.ok()) {
    std::cout << fmt::format("{{\"valid\":false,\"problem\":\"{}\"}}\n", tickets::to_string(out.problem));
    return 1;
  }
  std::cout << fmt::format("{{\"valid\":true,\"ticket_id\":\"{}\",\"event_id\":\"{}\",\"key_id\":{}}}\n",
                           out.claim->ticket_id, out.claim->event_id, static_cast<int>(out.claim->key_id));
  return 0;
}

int tickets_rotate(const Config& config) {
  if (!config.ticket_signing_key.empty()) {
    std::cerr << "admit: ticket_signing_key is configured; rotate it in the configuration\n";
    return 2;
  }
  auto id = tickets::TicketKeyring::rotate(std::filesystem::path(config.data_dir) / "keys");
  if (!id) {
    std::cerr << "admit: " << id.error().detail;
    for (const auto& f : id.error().errors) std::cerr << f.field << ": " << f.message;
    std::cerr << "\n";
    return 1;
  }
  std::cout << fmt::format("ticket signing key {} added; it signs from the next start\n", *id);
  return 0;
}

// The command line's subcommands and what their options read into.
struct Commands {
  std::optional<std::string> config_file;
  CLI::App* serve = nullptr;
  CLI::App* migrate = nullptr;
  CLI::App* demo = nullptr;
  CLI::App* doctor = nullptr;
  CLI::App* backup = nullptr;
  std::string backup_path;
  CLI::App* user_add = nullptr;
  std::string email, name;
  std::vector<std::string> roles;
  CLI::App* user_role = nullptr;
  std::string role_email;
  std::vector<std::string> role_add, role_remove;
  CLI::App* token_create = nullptr;
  std::string token_email, token_name = "command line";
  std::optional<std::string> token_event, token_expires;
  CLI::App* tickets_verify = nullptr;
  std::string ticket_code_text;
  CLI::App* tickets_rotate = nullptr;
  CLI::App* check = nullptr;
};

// `user add`, `user role` and `token create`.
void declare_account_commands(CLI::App& cli, Commands& c) {
  auto* user = cli.add_subcommand("user", "Manage accounts");
  user->require_subcommand(1);
  c.user_add = user->add_subcommand("add", "Add a verified account; password on standard input");
  c.user_add->add_option("--email", c.email, "Email address")->required();
  c.user_add->add_option("--name", c.name, "Display name")->required();
  c.user_add->add_option("--role", c.roles, "attendee, organizer or admin (repeatable)")->required();

  c.user_role = user->add_subcommand("role", "Add or remove a role (e.g. --add admin)");
  c.user_role->add_option("--email", c.role_email, "Account email")->required();
  c.user_role->add_option("--add", c.role_add, "Role to add: attendee, organizer or admin (repeatable)");
  c.user_role->add_option("--remove", c.role_remove, "Role to remove (repeatable)");

  auto* token = cli.add_subcommand("token", "Manage API tokens");
  token->require_subcommand(1);
  c.token_create = token->add_subcommand("create", "Create a bearer token and print it");
  c.token_create->add_option("--email", c.token_email, "Account email")->required();
  c.token_create->add_option("--name", c.token_name, "Token name");
  c.token_create->add_option("--event", c.token_event, "Limit the token to one event's check-in");
  c.token_create->add_option("--expires", c.token_expires,
                             "When the token stops working: an RFC 3339 time, or a span such as 12h or 3d");
}

void declare_commands(CLI::App& cli, Commands& c) {
  cli.require_subcommand(1);
  cli.add_option("--config", c.config_file, "TOML configuration file (ADMIT_* variables override it)");
  c.serve = cli.add_subcommand("serve", "Migrate the database and serve HTTP");
  c.migrate = cli.add_subcommand("migrate", "Apply pending database migrations");
  c.demo = cli.add_subcommand("demo", "Add sample events (once)");
  c.doctor = cli.add_subcommand("doctor", "Check that seat and promo counters equal their rows");
  c.backup = cli.add_subcommand("backup", "Write a consistent copy of the SQLite database");
  c.backup->add_option("path", c.backup_path, "Destination file")->required();
  declare_account_commands(cli, c);

  auto* tickets_cmd = cli.add_subcommand("tickets", "Ticket signing keys and codes");
  tickets_cmd->require_subcommand(1);
  c.tickets_verify = tickets_cmd->add_subcommand("verify", "Check a ticket code's signature (exit 0 when genuine)");
  c.tickets_verify->add_option("code", c.ticket_code_text, "The QR text")->required();
  c.tickets_rotate = tickets_cmd->add_subcommand(
      "rotate-key", "Add a new signing key to <data_dir>/keys (older keys keep verifying)");

  auto* config_cmd = cli.add_subcommand("config", "Configuration");
  config_cmd->require_subcommand(1);
  c.check = config_cmd->add_subcommand("check", "Validate the configuration and explain problems");
}

// Runs the parsed subcommand (but `config check`) on an App made from the configuration.
int execute(const Commands& c, const Config& config) {
  App app(config);
  if (c.serve->parsed()) return app.serve();
  if (c.migrate->parsed()) {
    int n = app.migrate();
    std::cout << fmt::format("applied {} migration(s); schema version {}\n", n,
                             sql::current_version(app.database()));
    return 0;
  }
  if (c.demo->parsed()) {
    app.migrate();
    auto result = load_demo(app.users(), app.events(), app.clock());
    if (result.created) std::cout << fmt::format("added {} demo events\n", result.events);
    else std::cout << "demo data already present\n";
    return 0;
  }
  if (c.user_add->parsed()) return user_add(app, c.email, c.name, c.roles);
  if (c.user_role->parsed()) return user_role(app, c.role_email, c.role_add, c.role_remove);
  if (c.token_create->parsed())
    return token_create(app, c.token_email, c.token_name, c.token_event, c.token_expires);
  if (c.backup->parsed()) return backup(app, c.backup_path);
  if (c.tickets_verify->parsed()) return tickets_verify(app, c.ticket_code_text);
  if (c.tickets_rotate->parsed()) return tickets_rotate(config);
  if (c.doctor->parsed()) return doctor(app);
  return 0;
}

}  // namespace

int run_command_line(int argc, char** argv) {
  CLI::App cli{"admit: event registration and ticketing"};
  Commands commands;
  declare_commands(cli, commands);
  CLI11_PARSE(cli, argc, argv);

  auto config = configure(commands.config_file);
  if (!config) return 2;
  if (commands.check->parsed()) {
    std::cout << "configuration ok\n" << describe(*config);
    return 0;
  }
  try {
    return execute(commands, *config);
  } catch (const std::exception& e) {
    std::cerr << "admit: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace admit::app
