#include "shop/events/event.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <limits>

#include "shop/core/ids.hpp"

namespace shop::events {
namespace {

constexpr std::string_view kOutboxInbox = R"sql(
CREATE TABLE outbox (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id        TEXT NOT NULL UNIQUE,
  topic           TEXT NOT NULL,
  key             TEXT NOT NULL,
  event_type      TEXT NOT NULL,
  payload         TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
  last_error      TEXT,
  published_at    INTEGER
);
CREATE INDEX outbox_status_seq ON outbox (status, seq);
CREATE INDEX outbox_pending_key ON outbox (topic, key, seq) WHERE status = 'pending';
CREATE TABLE inbox (
  consumer   TEXT NOT NULL,
  event_id   TEXT NOT NULL,
  handled_at INTEGER NOT NULL,
  PRIMARY KEY (consumer, event_id)
);
)sql";

// The relay's claim asks "is an earlier row of this topic+key waiting for a retry?" (pending with
// next_attempt_at in the future). Without an index for it PostgreSQL answered with a sequential
// scan of the whole outbox (sent rows are kept 7 days) on every claim: ~60 ms at 100k rows, which
// made the claim, not Kafka, the relay's limit. Pending rows are few, so the partial index is small.
constexpr std::string_view kOutboxPendingRetry = R"sql(
CREATE INDEX outbox_pending_retry ON outbox (next_attempt_at) WHERE status = 'pending';
)sql";

constexpr std::string_view kInsertOutbox = R"sql(
  INSERT INTO outbox (event_id, topic, key, event_type, payload, created_at)
  VALUES ($1, $2, $3, $4, $5, $6))sql";

constexpr std::string_view kInsertInbox = R"sql(
  INSERT INTO inbox (consumer, event_id, handled_at) VALUES ($1, $2, $3)
  ON CONFLICT DO NOTHING)sql";

Error Bad(std::string_view what) { return Error::BadRequest("event envelope: " + std::string(what)); }

Result<std::string> RequiredString(const boost::json::object& o, std::string_view field) {
  const auto* v = o.if_contains(field);
  if (v == nullptr || !v->is_string() || v->get_string().empty()) {
    return Bad(std::string(field) + " must be a non-empty string");
  }
  return std::string(v->get_string());
}

}  // namespace

std::string Envelope::ToJson() const {
  boost::json::object o;
  o["event_id"] = event_id;
  o["event_type"] = event_type;
  o["timestamp"] = FormatRfc3339(timestamp);
  o["version"] = version;
  o["data"] = data;
  return boost::json::serialize(o);
}

Result<Envelope> Envelope::FromJson(std::string_view text, std::string topic, std::string key) {
  boost::system::error_code ec;
  auto parsed = boost::json::parse(text, ec);
  if (ec) return Bad("not valid JSON");
  if (!parsed.is_object()) return Bad("not a JSON object");
  const auto& o = parsed.get_object();
  Envelope e;
  e.topic = std::move(topic);
  e.key = std::move(key);
  auto id = RequiredString(o, "event_id");
  if (!id) return id.error();
  e.event_id = std::move(*id);
  auto type = RequiredString(o, "event_type");
  if (!type) return type.error();
  e.event_type = std::move(*type);
  auto ts = RequiredString(o, "timestamp");
  if (!ts) return ts.error();
  const auto ms = ParseRfc3339(*ts);
  if (!ms) return Bad("timestamp must be RFC 3339");
  e.timestamp = *ms;
  const auto* version = o.if_contains("version");
  if (version == nullptr || !(version->is_int64() || version->is_uint64())) return Bad("version must be an integer");
  const auto* as_int = version->if_int64();
  if (as_int == nullptr || *as_int < 1 || *as_int > std::numeric_limits<int>::max()) {
    return Bad("version out of range");
  }
  e.version = static_cast<int>(*as_int);
  const auto* data = o.if_contains("data");
  if (data == nullptr || !data->is_object()) return Bad("data must be an object");
  e.data = data->get_object();
  return e;
}

Envelope Make(std::string topic, std::string event_type, std::string key, boost::json::object data,
              const Clock& clock) {
  Envelope e;
  e.event_id = NewId();
  e.event_type = std::move(event_type);
  e.topic = std::move(topic);
  e.key = std::move(key);
  e.timestamp = clock.NowMs();
  e.data = std::move(data);
  return e;
}

std::vector<db::Migration> SchemaMigrations() {
  return {{1, "0001_outbox_inbox", std::string(kOutboxInbox)},
          {2, "0002_outbox_pending_retry", std::string(kOutboxPendingRetry)}};
}

Result<void> Append(db::Tx& tx, const Envelope& e) {
  auto r = tx.Exec(kInsertOutbox, {e.event_id, e.topic, e.key, e.event_type, e.ToJson(), e.timestamp});
  if (!r) return r.error();
  return Ok();
}

Result<bool> Remember(db::Tx& tx, std::string_view consumer, std::string_view event_id) {
  auto r = tx.Exec(kInsertInbox, {consumer, event_id, SystemClock::Instance().NowMs()});
  if (!r) return r.error();
  return *r == 1;
}

std::vector<Result<void>> Bus::PublishBatch(const std::vector<Envelope>& events) {
  std::vector<Result<void>> results;
  results.reserve(events.size());
  for (const auto& e : events) results.push_back(Publish(e));
  return results;
}

}  // namespace shop::events
