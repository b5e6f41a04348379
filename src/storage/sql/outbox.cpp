#include "storage/sql/outbox.hpp"

#include <algorithm>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "common/random.hpp"
#include "storage/sql/columns.hpp"
#include "storage/sql/sql_outbox_store.hpp"
#include "storage/sql/values.hpp"

namespace admit::sql {

std::string attachments_json(const std::vector<MailAttachment>& attachments) {
  if (attachments.empty()) return {};
  boost::json::array out;
  for (const auto& a : attachments) {
    boost::json::object o{{"filename", a.filename}, {"content_type", a.content_type}};
    if (!a.blob_key.empty()) o["blob"] = a.blob_key;
    else o["text"] = a.content;
    out.push_back(std::move(o));
  }
  return boost::json::serialize(out);
}

std::vector<MailAttachment> parse_attachments(const std::string& json) {
  std::vector<MailAttachment> out;
  if (json.empty()) return out;
  boost::system::error_code ec;
  auto v = boost::json::parse(json, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& item : v.as_array()) {
    if (!item.is_object()) continue;
    const auto& o = item.as_object();
    auto text = [&](const char* k) {
      auto* p = o.if_contains(k);
      return p && p->is_string() ? std::string(p->as_string()) : std::string();
    };
    out.push_back(MailAttachment{text("filename"), text("content_type"), text("text"), text("blob")});
  }
  return out;
}

bool enqueue_mail(Connection& conn, const OutboxMail& mail, Timestamp now) {
  return conn.execute(
             "INSERT INTO outbox (id, recipient, subject, text_body, html_body, cause_key, "
             "created_at, attempts, next_attempt_at, attachments) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?) "
             "ON CONFLICT (cause_key) DO NOTHING",
             {new_id("mail"), mail.to, mail.subject, mail.text, mail.html, mail.cause_key,
              to_millis(now), to_millis(now), attachments_json(mail.attachments)}) > 0;
}

namespace {

// What a claim returns of each outbox row.
constexpr ColumnList kClaimedColumns{"id", "recipient", "subject", "text_body", "html_body",
                                     "cause_key", "attempts", "next_attempt_at", "created_at",
                                     "attachments"};

}  // namespace

std::vector<OutboxItem> SqlOutboxStore::claim_due(const std::string& claimer, Timestamp now,
                                                  std::chrono::milliseconds lease, int limit) {
  auto conn = db_.writer();
  const bool pg = conn->dialect() == Dialect::postgres;
  const std::string sql =
      "UPDATE outbox SET claimed_by = ?, claimed_until = ?, attempts = attempts + 1 "
      "WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL "
      "AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?) "
      "ORDER BY next_attempt_at, id LIMIT ?" +
      std::string(pg ? " FOR UPDATE SKIP LOCKED" : "") +
      ") RETURNING " + kClaimedColumns.list();
  Rows rows = in_transaction(*conn, [&](Connection& c) {
    return c.query(sql, {claimer, to_millis(now + lease), to_millis(now), to_millis(now),
                         std::int64_t{std::max(1, limit)}});
  });
  std::vector<std::pair<std::pair<std::int64_t, std::string>, OutboxItem>> sorted;
  for (const auto& r : rows) {
    constexpr const auto& c = kClaimedColumns;
    OutboxItem item;
    item.message.id = r.text(c["id"]);
    item.message.to = r.text(c["recipient"]);
    item.message.subject = r.text(c["subject"]);
    item.message.text = r.text(c["text_body"]);
    item.message.html = r.text(c["html_body"]);
    item.message.date = from_millis(r.i64(c["created_at"]));
    item.cause_key = r.text(c["cause_key"]);
    item.attempts = static_cast<int>(r.i64(c["attempts"]));
    item.message.attachments = parse_attachments(r.text(c["attachments"]));
    sorted.emplace_back(std::make_pair(r.i64(c["next_attempt_at"]), item.message.id), std::move(item));
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<OutboxItem> out;
  out.reserve(sorted.size());
  for (auto& s : sorted) out.push_back(std::move(s.second));
  return out;
}

int SqlOutboxStore::mark_sent(const std::vector<std::string>& ids, const std::string& claimer,
                              Timestamp at) {
  if (ids.empty()) return 0;
  constexpr std::size_t kChunk = 500;  // well inside either database's parameter limit
  auto conn = db_.writer();
  return in_transaction(*conn, [&](Connection& c) {
    std::int64_t marked = 0;
    for (std::size_t from = 0; from < ids.size(); from += kChunk) {
      const std::size_t n = std::min(kChunk, ids.size() - from);
      std::vector<Value> params{to_millis(at), claimer};
      for (std::size_t i = from; i < from + n; ++i) params.emplace_back(ids[i]);
      marked += c.execute("UPDATE outbox SET sent_at = ?, claimed_by = NULL, claimed_until = NULL, "
                          "last_error = NULL WHERE claimed_by = ? AND sent_at IS NULL AND id IN (" +
                              placeholders(n) + ")",
                          params);
    }
    return static_cast<int>(marked);
  });
}

void SqlOutboxStore::mark_failed(const std::string& id, const std::string& claimer,
                                 const std::string& error, std::optional<Timestamp> next_attempt,
                                 Timestamp at) {
  auto conn = db_.writer();
  std::string message = error.substr(0, 1000);
  if (next_attempt)
    conn->execute(
        "UPDATE outbox SET claimed_by = NULL, claimed_until = NULL, last_error = ?, "
        "next_attempt_at = ? WHERE id = ? AND claimed_by = ?",
        {message, to_millis(*next_attempt), id, claimer});
  else
    conn->execute(
        "UPDATE outbox SET claimed_by = NULL, claimed_until = NULL, last_error = ?, "
        "failed_at = ? WHERE id = ? AND claimed_by = ?",
        {message, to_millis(at), id, claimer});
}

}  // namespace admit::sql
