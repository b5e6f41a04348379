#include "storage/sql/sql_account_store.hpp"

#include "storage/sql/columns.hpp"
#include "storage/sql/values.hpp"

#include <algorithm>

#include "common/page_cursor.hpp"
#include "storage/sql/outbox.hpp"
#include "storage/sql/sql_user_store.hpp"

namespace admit::sql {
namespace {

constexpr ColumnList kSessionColumns{
    "sessions.id", "sessions.user_id", "sessions.created_at", "sessions.last_seen_at",
    "sessions.expires_at", "sessions.revoked_at", "sessions.user_agent", "sessions.ip",
    "sessions.handle"};

constexpr ColumnList kTokenColumns{
    "id", "kind", "user_id", "payload", "created_at", "expires_at", "used_at"};

Session session_from_row(const Row& r) {
  constexpr const auto& c = kSessionColumns;
  Session s;
  s.id = r.text(c["sessions.id"]);
  s.user_id = r.text(c["sessions.user_id"]);
  s.created_at = from_millis(r.i64(c["sessions.created_at"]));
  s.last_seen_at = from_millis(r.i64(c["sessions.last_seen_at"]));
  s.expires_at = from_millis(r.i64(c["sessions.expires_at"]));
  if (auto v = r.opt_i64(c["sessions.revoked_at"])) s.revoked_at = from_millis(*v);
  s.user_agent = r.text(c["sessions.user_agent"]);
  s.ip = r.text(c["sessions.ip"]);
  s.handle = r.opt_text(c["sessions.handle"]).value_or("");
  return s;
}

OneTimeKind kind_from(const std::string& s) {
  return s == "reset_password" ? OneTimeKind::reset_password : OneTimeKind::verify_email;
}

OneTimeToken one_time_from_row(const Row& r) {
  constexpr const auto& c = kTokenColumns;
  OneTimeToken t;
  t.id = r.text(c["id"]);
  t.kind = kind_from(r.text(c["kind"]));
  t.user_id = r.text(c["user_id"]);
  t.payload = r.text(c["payload"]);
  t.created_at = from_millis(r.i64(c["created_at"]));
  t.expires_at = from_millis(r.i64(c["expires_at"]));
  if (auto v = r.opt_i64(c["used_at"])) t.used_at = from_millis(*v);
  return t;
}

constexpr ColumnList kAuditColumns{"id", "at", "actor_user_id", "kind", "subject", "ip", "detail"};

AuditEntry audit_from_row(const Row& r) {
  constexpr const auto& c = kAuditColumns;
  AuditEntry e;
  e.id = r.text(c["id"]);
  e.at = from_millis(r.i64(c["at"]));
  e.actor_user_id = r.opt_text(c["actor_user_id"]);
  e.kind = r.text(c["kind"]);
  e.subject = r.opt_text(c["subject"]);
  e.ip = r.text(c["ip"]);
  e.detail = r.text(c["detail"]);
  return e;
}

// "<created_at ms>.<id>" of the last user on a page.
std::string make_cursor(const User& u) { return make_page_cursor(to_millis(u.created_at), u.id); }

class SqlAccountTx final : public AccountTx {
 public:
  explicit SqlAccountTx(Connection& conn) : c_(conn) {}

  std::optional<User> find_user(const std::string& id) override {
    auto rows = c_.query(kUserColumns.select() + " FROM users WHERE id = ?", {id});
    if (rows.empty()) return std::nullopt;
    return user_from_row(rows[0]);
  }

  std::optional<User> find_user_by_email(const std::string& email) override {
    auto rows =
        c_.query(kUserColumns.select() + " FROM users WHERE email = ?", {email});
    if (rows.empty()) return std::nullopt;
    return user_from_row(rows[0]);
  }

  Status insert_user(const User& u) override { return insert_user_row(c_, u); }

  Status update_user(const User& u) override { return update_user_row(c_, u); }

  void erase_user(const std::string& user_id, Timestamp at) override {
    auto rows = c_.query("SELECT email FROM users WHERE id = ?", {user_id});
    if (rows.empty()) return;
    const std::string email = rows[0].text(0);
    c_.execute(
        "UPDATE users SET email = 'deleted-' || id || '@invalid', name = 'Deleted user', "
        "password_hash = '', disabled = 1, email_verified_at = NULL, deleted_at = ?, "
        "updated_at = ? WHERE id = ?",
        {to_millis(at), to_millis(at), user_id});
    // Mail to the address: unsent mail is dropped, sent mail keeps no address or body.
    c_.execute("DELETE FROM outbox WHERE recipient = ? AND sent_at IS NULL", {email});
    c_.execute(
        "UPDATE outbox SET recipient = 'deleted@invalid', subject = '', text_body = '', "
        "html_body = '' WHERE recipient = ?",
        {email});
    c_.execute("UPDATE sessions SET user_agent = '', ip = '' WHERE user_id = ?", {user_id});
    // The names and emails on the account's tickets (its own and those it bought for
    // others) go too: the organizer's lists and CSV show "Deleted user" from now on.
    c_.execute(
        "UPDATE tickets SET attendee_name = 'Deleted user', attendee_email = '' "
        "WHERE registration_id IN (SELECT id FROM registrations WHERE user_id = ?)",
        {user_id});
    c_.execute("UPDATE audit_log SET ip = '' WHERE subject = ? OR actor_user_id = ?",
               {user_id, user_id});
  }

  void insert_one_time_token(const OneTimeToken& t) override {
    c_.execute(
        "INSERT INTO one_time_tokens (id, kind, user_id, payload, created_at, expires_at, used_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        {t.id, std::string(to_string(t.kind)), t.user_id, t.payload, to_millis(t.created_at),
         to_millis(t.expires_at), opt_ms(t.used_at)});
  }

  std::optional<OneTimeToken> use_one_time_token(const std::string& hash, OneTimeKind kind,
                                                 Timestamp now) override {
    // One conditional update: of two concurrent uses exactly one changes the row.
    auto rows = c_.query(
        "UPDATE one_time_tokens SET used_at = ? "
        "WHERE id = ? AND kind = ? AND used_at IS NULL AND expires_at > ? RETURNING " +
            kTokenColumns.list(),
        {to_millis(now), hash, std::string(to_string(kind)), to_millis(now)});
    if (rows.empty()) return std::nullopt;
    return one_time_from_row(rows[0]);
  }

  void discard_one_time_tokens(const std::string& user_id, std::optional<OneTimeKind> kind,
                               Timestamp now) override {
    if (kind)
      c_.execute(
          "UPDATE one_time_tokens SET used_at = ? WHERE user_id = ? AND kind = ? AND used_at IS NULL",
          {to_millis(now), user_id, std::string(to_string(*kind))});
    else
      c_.execute("UPDATE one_time_tokens SET used_at = ? WHERE user_id = ? AND used_at IS NULL",
                 {to_millis(now), user_id});
  }

  void insert_session(const Session& s) override {
    c_.execute(
        "INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, revoked_at, "
        "user_agent, ip, handle) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {s.id, s.user_id, to_millis(s.created_at), to_millis(s.last_seen_at),
         to_millis(s.expires_at), opt_ms(s.revoked_at), s.user_agent, s.ip, s.handle});
  }

  std::int64_t revoke_sessions(const std::string& user_id, Timestamp at,
                               const std::optional<std::string>& keep) override {
    if (keep)
      return c_.execute(
          "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND id <> ?",
          {to_millis(at), user_id, *keep});
    return c_.execute("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                      {to_millis(at), user_id});
  }

  void insert_api_token(const ApiToken& t) override {
    c_.execute(
        "INSERT INTO api_tokens (id, user_id, name, token_hash, event_scope, created_at, "
        "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        {t.id, t.user_id, t.name, t.token_hash, nullable(t.event_scope), to_millis(t.created_at),
         opt_ms(t.expires_at)});
  }

  bool revoke_api_token(const std::string& user_id, const std::string& token_id,
                        Timestamp at) override {
    return c_.execute(
               "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
               {to_millis(at), token_id, user_id}) > 0;
  }

  std::int64_t revoke_api_tokens(const std::string& user_id, Timestamp at) override {
    return c_.execute("UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                      {to_millis(at), user_id});
  }

  bool queue_mail(const Mail& m, Timestamp now) override {
    return enqueue_mail(c_, OutboxMail{m.to, m.subject, m.text, m.html, m.cause_key}, now);
  }

  void audit(const AuditEntry& e) override {
    c_.execute(
        "INSERT INTO audit_log (id, at, actor_user_id, kind, subject, ip, detail) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        {e.id, to_millis(e.at), nullable(e.actor_user_id), e.kind, nullable(e.subject), e.ip,
         e.detail});
  }

  std::int64_t count_live_published_events(const std::string& organizer_id,
                                           Timestamp now) override {
    auto rows = c_.query(
        "SELECT COUNT(*) FROM events WHERE organizer_id = ? AND status = 'published' AND ends_at > ?",
        {organizer_id, to_millis(now)});
    return rows.empty() ? 0 : rows[0].i64(0);
  }

 private:
  Connection& c_;
};

}  // namespace

Status SqlAccountStore::transact(const std::function<Status(AccountTx&)>& fn) {
  auto conn = db_.writer();
  SqlAccountTx tx(*conn);
  // After the commit (or rollback): users and API tokens may have changed (disabled,
  // revoked, roles, erased), so the bearer-token cache starts again.
  struct Changed {
    CredentialsEpoch& credentials;
    ~Changed() { credentials.bump(); }
  } changed{credentials_};
  return in_result_transaction(*conn, [&](Connection&) { return fn(tx); });
}

std::optional<std::pair<Session, User>> SqlAccountStore::find_session(const std::string& id) {
  return sessions_.find(id, [&]() -> std::optional<std::pair<Session, User>> {
    auto conn = db_.reader();
    auto rows = conn->query(kSessionColumns.select() + ", " + kUserColumns.list() +
                                " FROM sessions JOIN users ON users.id = sessions.user_id "
                                "WHERE sessions.id = ?",
                            {id});
    if (rows.empty()) return std::nullopt;  // unknown: never cached
    return std::make_pair(session_from_row(rows[0]), user_from_row(rows[0], kSessionColumns.size()));
  });
}

std::optional<std::pair<Session, User>> SqlAccountStore::peek_session(const std::string& id) {
  return sessions_.get(id);
}

void SqlAccountStore::touch_session(const std::string& id, Timestamp at) {
  auto conn = db_.writer();
  conn->execute("UPDATE sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?",
                {to_millis(at), id, to_millis(at)});
  sessions_.update(id, [&](std::pair<Session, User>& found) {
    found.first.last_seen_at = std::max(found.first.last_seen_at, at);
  });
}

std::vector<Session> SqlAccountStore::list_sessions(const std::string& user_id, Timestamp now) {
  auto conn = db_.reader();
  std::vector<Session> out;
  for (const auto& row : conn->query(kSessionColumns.select() +
                                         " FROM sessions WHERE user_id = ? AND revoked_at IS NULL "
                                         "AND expires_at > ? ORDER BY created_at DESC, id",
                                     {user_id, to_millis(now)}))
    out.push_back(session_from_row(row));
  return out;
}

Status SqlAccountStore::revoke_session(const std::string& user_id, const std::string& handle,
                                       Timestamp at) {
  auto conn = db_.writer();
  auto n = conn->execute(
      "UPDATE sessions SET revoked_at = ? WHERE handle = ? AND user_id = ? AND revoked_at IS NULL",
      {to_millis(at), handle, user_id});
  credentials_.bump();  // the session's cached look-up is gone before the caller answers
  if (n == 0) return Error::not_found("session");
  return {};
}

Result<UserPage> SqlAccountStore::list_users(const UserListQuery& q) {
  std::string sql = kUserColumns.select() + " FROM users WHERE deleted_at IS NULL";
  std::vector<Value> params;
  if (q.q && !q.q->empty()) {
    sql += " AND (lower(email) LIKE ? ESCAPE '\\' OR lower(name) LIKE ? ESCAPE '\\')";
    std::string pattern = "%";
    pattern += escape_like(*q.q);
    pattern += "%";
    params.emplace_back(pattern);
    params.emplace_back(pattern);
  }
  if (q.cursor) {
    auto c = parse_page_cursor(*q.cursor);
    if (!c) return Error::field("cursor", "is not a cursor from a previous page");
    sql += " AND (created_at < ? OR (created_at = ? AND id < ?))";
    params.emplace_back(c->first);
    params.emplace_back(c->first);
    params.emplace_back(c->second);
  }
  const int limit = std::clamp(q.limit, 1, 200);
  sql += " ORDER BY created_at DESC, id DESC LIMIT ?";
  params.emplace_back(std::int64_t{limit + 1});
  auto conn = db_.reader();
  UserPage page;
  for (const auto& row : conn->query(sql, params)) page.items.push_back(user_from_row(row));
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.resize(static_cast<std::size_t>(limit));
    page.next_cursor = make_cursor(page.items.back());
  }
  return page;
}

std::vector<AuditEntry> SqlAccountStore::audit_entries(const std::string& subject, int limit) {
  auto conn = db_.reader();
  std::vector<AuditEntry> out;
  for (const auto& row :
       conn->query(kAuditColumns.select() + " FROM audit_log "
                   "WHERE subject = ? ORDER BY at DESC, id DESC LIMIT ?",
                   {subject, std::int64_t{std::clamp(limit, 1, 1000)}}))
    out.push_back(audit_from_row(row));
  return out;
}

std::int64_t SqlAccountStore::purge_expired(Timestamp before, std::chrono::seconds session_idle) {
  auto conn = db_.writer();
  const std::int64_t t = to_millis(before);
  const std::int64_t idle_since = to_millis(before - session_idle);
  std::int64_t n = 0;
  n += conn->execute("DELETE FROM sessions WHERE expires_at < ? OR revoked_at < ? OR last_seen_at < ?",
                     {t, t, idle_since});
  n += conn->execute("DELETE FROM one_time_tokens WHERE expires_at < ? OR used_at < ?", {t, t});
  credentials_.bump();  // no cached session outlives its row
  return n;
}

}  // namespace admit::sql
