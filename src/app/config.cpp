#include "app/config.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <optional>
#include <functional>
#include <variant>

#include <fmt/format.h>
#include <toml++/toml.h>

extern char** environ;

namespace admit::app {
namespace {

struct Setting {
  const char* key;
  std::variant<std::string Config::*, int Config::*, bool Config::*> member;
  int min = 0, max = 0;  // for integers
  bool secret = false;
};

const std::vector<Setting>& settings() {
  static const std::vector<Setting> all = {
      {"listen", &Config::listen},
      {"database", &Config::database, 0, 0, true},
      {"data_dir", &Config::data_dir},
      {"public_url", &Config::public_url},
      {"web_root", &Config::web_root},
      {"io_threads", &Config::io_threads, 1, 64},
      {"max_connections", &Config::max_connections, 16, 1000000},
      {"max_connections_per_address", &Config::max_connections_per_address, 0, 1000000},
      {"connection_limit_exempt", &Config::connection_limit_exempt},
      {"header_timeout", &Config::header_timeout, 1, 300},
      {"body_timeout", &Config::body_timeout, 1, 3600},
      {"metrics_listen", &Config::metrics_listen},
      {"metrics_token", &Config::metrics_token, 0, 0, true},
      {"mail_retention", &Config::mail_retention},
      {"work_threads", &Config::work_threads, 1, 256},
      {"work_queue", &Config::work_queue, 16, 1000000},
      {"db_pool", &Config::db_pool, 1, 256},
      {"durability", &Config::durability},
      {"log_level", &Config::log_level},
      {"trust_proxy", &Config::trust_proxy},
      {"smtp_url", &Config::smtp_url, 0, 0, true},
      {"mail_from", &Config::mail_from},
      {"stripe_secret_key", &Config::stripe_secret_key, 0, 0, true},
      {"stripe_webhook_secret", &Config::stripe_webhook_secret, 0, 0, true},
      {"stripe_api_base", &Config::stripe_api_base},
      {"stripe_reconcile_seconds", &Config::stripe_reconcile_seconds, 1, 86400},
      {"registration_writers", &Config::registration_writers, 1, 64},
      {"registration_batch", &Config::registration_batch, 0, 10000},
      {"registration_queue", &Config::registration_queue, 1, 10000000},
      {"checkin_writers", &Config::checkin_writers, 1, 64},
      {"registration_rate_per_user", &Config::registration_rate_per_user, 0, 1000000},
      {"registration_rate_per_address", &Config::registration_rate_per_address, 0, 1000000},
      {"waitlist_rate_per_user", &Config::waitlist_rate_per_user, 0, 1000000},
      {"event_rate_per_user", &Config::event_rate_per_user, 0, 1000000},
      {"blob_store", &Config::blob_store},
      {"s3_endpoint", &Config::s3_endpoint},
      {"s3_region", &Config::s3_region},
      {"s3_bucket", &Config::s3_bucket},
      {"s3_access_key", &Config::s3_access_key, 0, 0, true},
      {"s3_secret_key", &Config::s3_secret_key, 0, 0, true},
      {"ticket_signing_key", &Config::ticket_signing_key, 0, 0, true},
      {"ticket_trusted_keys", &Config::ticket_trusted_keys},
      {"link_key", &Config::link_key, 0, 0, true},
      {"download_link_seconds", &Config::download_link_seconds, 10, 86400},
      {"pdf_threads", &Config::pdf_threads, 1, 64},
      {"pdf_queue", &Config::pdf_queue, 1, 1000000},
  };
  return all;
}

std::string env_name(const char* key) {
  std::string out = "ADMIT_";
  for (const char* p = key; *p; ++p) out += static_cast<char>(std::toupper(*p));
  return out;
}

// Applies one textual value; returns an error message or empty.
std::string apply(Config& c, const Setting& s, const std::string& text) {
  if (auto m = std::get_if<std::string Config::*>(&s.member)) {
    c.*(*m) = text;
    return {};
  }
  if (auto m = std::get_if<bool Config::*>(&s.member)) {
    if (text == "true" || text == "1" || text == "yes") c.*(*m) = true;
    else if (text == "false" || text == "0" || text == "no") c.*(*m) = false;
    else return "must be true or false";
    return {};
  }
  auto m = std::get<int Config::*>(s.member);
  int v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size() || v < s.min || v > s.max)
    return fmt::format("must be an integer between {} and {}", s.min, s.max);
  c.*m = v;
  return {};
}

std::string mask_url_password(const std::string& url) {
  auto scheme = url.find("://");
  auto at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return url;
  auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "****" + url.substr(at);
}

bool valid_listen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= listen.size()) return false;
  int port = -1;
  auto tail = listen.substr(colon + 1);
  auto [p, ec] = std::from_chars(tail.data(), tail.data() + tail.size(), port);
  return ec == std::errc{} && p == tail.data() + tail.size() && port >= 0 && port <= 65535;
}

// "7d", "12h", "30m", "90s" or "0" -> seconds; nullopt when unreadable.
std::optional<std::int64_t> parse_duration(const std::string& text) {
  if (text == "0") return 0;
  if (text.size() < 2) return std::nullopt;
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, n);
  if (ec != std::errc{} || p != text.data() + text.size() - 1 || n <= 0 || n > 100000)
    return std::nullopt;
  switch (text.back()) {
    case 'd': return n * 86400;
    case 'h': return n * 3600;
    case 'm': return n * 60;
    case 's': return n;
    default: return std::nullopt;
  }
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from <= text.size()) {
    auto comma = text.find(',', from);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(from, comma - from);
    auto b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
    from = comma + 1;
  }
  return out;
}

bool valid_ip(const std::string& text) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

void check_security_settings(const Config& c, std::vector<FieldError>& errors) {
  if (!parse_duration(c.mail_retention))
    errors.push_back({"mail_retention", "must be a duration such as 7d, 12h, 30m or 90s, or 0 to keep mail"});
  for (const auto& address : c.connection_limit_exempt_list())
    if (!valid_ip(address))
      errors.push_back({"connection_limit_exempt",
                        "must be a comma-separated list of IP addresses ('" + address + "' is not one)"});
  if (!c.metrics_listen.empty() && !valid_listen(c.metrics_listen))
    errors.push_back({"metrics_listen", "must be host:port, e.g. 127.0.0.1:9090"});
  if (!c.metrics_listen.empty() && c.metrics_listen == c.listen)
    errors.push_back({"metrics_listen", "must differ from listen (use metrics_token to serve /metrics there)"});
  if (!c.metrics_token.empty() && c.metrics_token.size() < 32)
    errors.push_back({"metrics_token", "must be at least 32 characters"});
}

}  // namespace

std::int64_t Config::mail_retention_seconds() const { return parse_duration(mail_retention).value_or(0); }

std::vector<std::string> Config::connection_limit_exempt_list() const {
  return split_list(connection_limit_exempt);
}

std::map<std::string, std::string> current_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string::npos && kv.rfind("ADMIT_", 0) == 0) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

Result<Config> load_config(const std::optional<std::string>& file,
                           const std::map<std::string, std::string>& environment) {
  Config c;
  std::vector<FieldError> errors;
  if (file) {
    toml::table table;
    try {
      table = toml::parse_file(*file);
    } catch (const toml::parse_error& e) {
      return Error::field(*file, fmt::format("cannot be read as TOML: {} (line {})",
                                             e.description(), e.source().begin.line));
    }
    for (auto&& [key, node] : table) {
      const Setting* setting = nullptr;
      for (const auto& s : settings())
        if (key.str() == s.key) setting = &s;
      if (!setting) {
        errors.push_back({std::string(key.str()), "is not a known setting"});
        continue;
      }
      std::string text;
      if (auto v = node.value<std::string>()) text = *v;
      else if (auto i = node.value<std::int64_t>()) text = std::to_string(*i);
      else if (auto b = node.value<bool>()) text = *b ? "true" : "false";
      else {
        errors.push_back({setting->key, "must be a string, integer or boolean"});
        continue;
      }
      if (auto msg = apply(c, *setting, text); !msg.empty()) errors.push_back({setting->key, msg});
    }
  }
  for (const auto& s : settings()) {
    auto it = environment.find(env_name(s.key));
    if (it == environment.end()) continue;
    if (auto msg = apply(c, s, it->second); !msg.empty()) errors.push_back({env_name(s.key), msg});
  }
  for (const auto& [name, value] : environment) {
    bool known = name == "ADMIT_CONFIG" || name == "ADMIT_BIN" || name == "ADMIT_SOURCE_DIR" ||
                 name.rfind("ADMIT_TEST", 0) == 0;
    for (const auto& s : settings()) known = known || env_name(s.key) == name;
    if (!known) errors.push_back({name, "is not a known setting"});
  }

  if (!valid_listen(c.listen))
    errors.push_back({"listen", "must be host:port, e.g. 127.0.0.1:8080 or [::1]:8080"});
  if (c.database.rfind("sqlite:", 0) != 0 && c.database.rfind("postgresql://", 0) != 0 &&
      c.database.rfind("postgres://", 0) != 0)
    errors.push_back({"database", "must start with sqlite: or postgresql://"});
  if (c.durability != "durable" && c.durability != "relaxed")
    errors.push_back({"durability", "must be durable or relaxed"});
  if (c.data_dir.empty()) errors.push_back({"data_dir", "must not be empty"});
  if (c.public_url.empty()) c.public_url = "http://" + c.listen;
  while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();
  if (c.public_url.rfind("http://", 0) != 0 && c.public_url.rfind("https://", 0) != 0)
    errors.push_back({"public_url", "must start with http:// or https://"});
  if (c.log_level != "debug" && c.log_level != "info" && c.log_level != "warn" &&
      c.log_level != "error")
    errors.push_back({"log_level", "must be debug, info, warn or error"});
  if (!c.smtp_url.empty() && c.smtp_url.rfind("smtp://", 0) != 0 &&
      c.smtp_url.rfind("smtps://", 0) != 0)
    errors.push_back({"smtp_url", "must start with smtp:// or smtps://"});
  if (!c.stripe_secret_key.empty() && c.stripe_secret_key.rfind("sk_", 0) != 0)
    errors.push_back({"stripe_secret_key", "must be a Stripe secret key (sk_test_...)"});
  check_security_settings(c, errors);
  if (c.blob_store != "file" && c.blob_store != "s3")
    errors.push_back({"blob_store", "must be file or s3"});
  if (c.blob_store == "s3") {
    if (c.s3_endpoint.rfind("http://", 0) != 0 && c.s3_endpoint.rfind("https://", 0) != 0)
      errors.push_back({"s3_endpoint", "must start with http:// or https:// when blob_store is s3"});
    if (c.s3_bucket.empty()) errors.push_back({"s3_bucket", "must be set when blob_store is s3"});
    if (c.s3_access_key.empty() || c.s3_secret_key.empty())
      errors.push_back({"s3_access_key", "s3_access_key and s3_secret_key must be set when blob_store is s3"});
  }
  if (!c.link_key.empty() && c.link_key.size() != 64)
    errors.push_back({"link_key", "must be 64 hex digits (32 bytes)"});
  if (!errors.empty()) return Error::validation(std::move(errors));
  return c;
}

std::string describe(const Config& c) {
  std::string out;
  for (const auto& s : settings()) {
    std::string value;
    if (auto m = std::get_if<std::string Config::*>(&s.member)) value = c.*(*m);
    else if (auto b = std::get_if<bool Config::*>(&s.member)) value = (c.*(*b)) ? "true" : "false";
    else value = std::to_string(c.*std::get<int Config::*>(s.member));
    if (s.secret && !value.empty())
      value = value.find("://") != std::string::npos ? mask_url_password(value) : "****";
    out += fmt::format("{:<24} {}\n", s.key, value);
  }
  return out;
}

}  // namespace admit::app
