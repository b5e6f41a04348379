#include "storage/sql/sql_user_store.hpp"

#include "storage/sql/columns.hpp"
#include "storage/sql/values.hpp"

namespace admit::sql {
namespace {

constexpr ColumnList kTokenColumns{
    "api_tokens.id", "api_tokens.user_id", "api_tokens.name", "api_tokens.token_hash",
    "api_tokens.event_scope", "api_tokens.created_at", "api_tokens.last_used_at",
    "api_tokens.revoked_at", "api_tokens.expires_at"};

std::vector<std::string> split_roles(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

ApiToken token_from_row(const Row& r) {
  constexpr const auto& c = kTokenColumns;
  ApiToken t;
  t.id = r.text(c["api_tokens.id"]);
  t.user_id = r.text(c["api_tokens.user_id"]);
  t.name = r.text(c["api_tokens.name"]);
  t.token_hash = r.text(c["api_tokens.token_hash"]);
  t.event_scope = r.opt_text(c["api_tokens.event_scope"]);
  t.created_at = from_millis(r.i64(c["api_tokens.created_at"]));
  if (auto v = r.opt_i64(c["api_tokens.last_used_at"])) t.last_used_at = from_millis(*v);
  if (auto v = r.opt_i64(c["api_tokens.revoked_at"])) t.revoked_at = from_millis(*v);
  if (auto v = r.opt_i64(c["api_tokens.expires_at"])) t.expires_at = from_millis(*v);
  return t;
}

}  // namespace

std::string join_roles(const std::vector<std::string>& roles) {
  std::string out;
  for (const auto& r : roles) {
    if (!out.empty()) out += ',';
    out += r;
  }
  return out;
}

User user_from_row(const Row& r, std::size_t i) {
  constexpr const auto& c = kUserColumns;
  User u;
  u.id = r.text(i + c["users.id"]);
  u.email = r.text(i + c["users.email"]);
  u.name = r.text(i + c["users.name"]);
  u.password_hash = r.text(i + c["users.password_hash"]);
  u.roles = split_roles(r.text(i + c["users.roles"]));
  if (auto v = r.opt_i64(i + c["users.email_verified_at"])) u.email_verified_at = from_millis(*v);
  u.disabled = r.i64(i + c["users.disabled"]) != 0;
  u.created_at = from_millis(r.i64(i + c["users.created_at"]));
  u.updated_at = from_millis(r.i64(i + c["users.updated_at"]));
  return u;
}

Status insert_user_row(Connection& conn, const User& u) {
  try {
    conn.execute(
        "INSERT INTO users (id, email, name, password_hash, roles, email_verified_at, disabled, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {u.id, u.email, u.name, u.password_hash, join_roles(u.roles), opt_ms(u.email_verified_at),
         std::int64_t{u.disabled ? 1 : 0}, to_millis(u.created_at), to_millis(u.updated_at)});
  } catch (const DbError& e) {
    if (e.kind() == DbError::Kind::unique_violation)
      return Error::conflict("an account with this email already exists");
    throw;
  }
  return {};
}

Status update_user_row(Connection& conn, const User& u) {
  try {
    auto n = conn.execute(
        "UPDATE users SET email = ?, name = ?, password_hash = ?, roles = ?, email_verified_at = ?, "
        "disabled = ?, updated_at = ? WHERE id = ?",
        {u.email, u.name, u.password_hash, join_roles(u.roles), opt_ms(u.email_verified_at),
         std::int64_t{u.disabled ? 1 : 0}, to_millis(u.updated_at), u.id});
    if (n == 0) return Error::not_found("user");
  } catch (const DbError& e) {
    if (e.kind() == DbError::Kind::unique_violation)
      return Error::field("email", "is already used by another account");
    throw;
  }
  return {};
}

Result<User> SqlUserStore::create_user(const User& u) {
  auto conn = db_.writer();
  if (auto ok = insert_user_row(*conn, u); !ok) return std::move(ok).error();
  return u;
}

std::optional<User> SqlUserStore::find_user(const std::string& id) {
  auto conn = db_.reader();
  auto rows = conn->query(kUserColumns.select() + " FROM users WHERE id = ?", {id});
  if (rows.empty()) return std::nullopt;
  return user_from_row(rows[0]);
}

std::optional<User> SqlUserStore::find_user_by_email(const std::string& email) {
  auto conn = db_.reader();
  auto rows =
      conn->query(kUserColumns.select() + " FROM users WHERE email = ?", {email});
  if (rows.empty()) return std::nullopt;
  return user_from_row(rows[0]);
}

Result<User> SqlUserStore::update_user(const User& u) {
  auto conn = db_.writer();
  auto ok = update_user_row(*conn, u);
  credentials_.bump();
  if (!ok) return std::move(ok).error();
  return u;
}

Result<ApiToken> SqlUserStore::create_token(const ApiToken& t) {
  auto conn = db_.writer();
  conn->execute(
      "INSERT INTO api_tokens (id, user_id, name, token_hash, event_scope, created_at, expires_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)",
      {t.id, t.user_id, t.name, t.token_hash, nullable(t.event_scope), to_millis(t.created_at),
       opt_ms(t.expires_at)});
  return t;
}

std::optional<std::pair<ApiToken, User>> SqlUserStore::find_token_by_hash(const std::string& hash) {
  return tokens_.find(hash, [&]() -> std::optional<std::pair<ApiToken, User>> {
    auto conn = db_.reader();
    auto rows = conn->query(kTokenColumns.select() + ", " + kUserColumns.list() +
                                " FROM api_tokens JOIN users ON users.id = api_tokens.user_id "
                                "WHERE api_tokens.token_hash = ? AND api_tokens.revoked_at IS NULL",
                            {hash});
    if (rows.empty()) return std::nullopt;  // unknown or revoked: never cached
    return std::make_pair(token_from_row(rows[0]), user_from_row(rows[0], kTokenColumns.size()));
  });
}

std::optional<std::pair<ApiToken, User>> SqlUserStore::peek_token_by_hash(const std::string& hash) {
  return tokens_.get(hash);
}

std::vector<ApiToken> SqlUserStore::list_tokens(const std::string& user_id) {
  auto conn = db_.reader();
  std::vector<ApiToken> out;
  for (const auto& row : conn->query(kTokenColumns.select() +
                                         " FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL "
                                         "ORDER BY created_at DESC, id",
                                     {user_id}))
    out.push_back(token_from_row(row));
  return out;
}

Status SqlUserStore::revoke_token(const std::string& user_id, const std::string& token_id,
                                  Timestamp at) {
  auto conn = db_.writer();
  auto n = conn->execute(
      "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
      {to_millis(at), token_id, user_id});
  credentials_.bump();
  if (n == 0) return Error::not_found("token");
  return {};
}

}  // namespace admit::sql
