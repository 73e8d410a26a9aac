#include "shop/idempotency/idempotency.hpp"

#include <sodium.h>

#include "shop/core/strings.hpp"

namespace shop::idempotency {
namespace {

constexpr std::string_view kCreateTable = R"sql(
CREATE TABLE IF NOT EXISTS idempotency_keys (
  user_id         TEXT    NOT NULL,
  idem_key        TEXT    NOT NULL,
  fingerprint     TEXT    NOT NULL,
  response_status INTEGER NOT NULL,
  response_body   TEXT    NOT NULL,
  created_at      INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL,
  PRIMARY KEY (user_id, idem_key)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_expires ON idempotency_keys (expires_at);
)sql";

constexpr std::string_view kSelect = R"sql(
  SELECT fingerprint, response_status, response_body, expires_at
  FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2)sql";

constexpr std::string_view kDeleteOne = "DELETE FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2";

constexpr std::string_view kInsert = R"sql(
  INSERT INTO idempotency_keys (user_id, idem_key, fingerprint, response_status, response_body, created_at, expires_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7))sql";

constexpr std::string_view kPurge = "DELETE FROM idempotency_keys WHERE expires_at <= $1";

}  // namespace

std::vector<db::Migration> SchemaMigrations() { return {{1, "idempotency_keys", std::string(kCreateTable)}}; }

Result<std::optional<std::string>> KeyOf(const http::Request& req) {
  auto value = req.Header("Idempotency-Key");
  if (!value) return std::optional<std::string>{};
  const auto key = Trim(*value);
  if (key.empty() || key.size() > 255) {
    return Error::BadRequest("Idempotency-Key must be 1 to 255 printable ASCII characters");
  }
  for (char c : key) {
    if (c < 0x21 || c > 0x7e) return Error::BadRequest("Idempotency-Key must be 1 to 255 printable ASCII characters");
  }
  return std::optional<std::string>{std::string(key)};
}

std::string Fingerprint(const http::Request& req) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  auto feed = [&](std::string_view s) {
    crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(s.data()), s.size());
    const unsigned char sep = 0;
    crypto_hash_sha256_update(&st, &sep, 1);
  };
  feed(http::ToString(req.method));
  feed(req.path);
  feed(req.body);
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, out);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(out), sizeof out));
}

Result<std::optional<Stored>> Lookup(db::Tx& tx, std::string_view user, std::string_view key,
                                     std::string_view fingerprint, UnixMillis now) {
  auto row = tx.QueryOne(kSelect, {user, key});
  if (!row) return row.error();
  if (!*row) return std::optional<Stored>{};
  const auto& r = **row;
  if (r.Int(3) <= now) {
    // Expired: the key may be used afresh.
    if (auto del = tx.Exec(kDeleteOne, {user, key}); !del) return del.error();
    return std::optional<Stored>{};
  }
  if (r.Text(0) != fingerprint) {
    return Error::Conflict("Idempotency-Key was already used with a different request");
  }
  return std::optional<Stored>{Stored{static_cast<int>(r.Int(1)), r.Text(2)}};
}

Result<void> Save(db::Tx& tx, std::string_view user, std::string_view key, std::string_view fingerprint,
                  int status, std::string_view body, UnixMillis now) {
  auto r = tx.Exec(kInsert, {user, key, fingerprint, status, body, now, now + kTtlMs});
  if (!r) return r.error();
  return Ok();
}

Result<std::int64_t> Purge(db::Database& db, UnixMillis now) {
  return db.Write([&](db::Tx& tx) -> Result<std::int64_t> { return tx.Exec(kPurge, {now}); });
}

http::Response Replay(const Stored& s) {
  auto res = http::Response::Json(s.status, s.body);
  res.headers.Set("Idempotent-Replayed", "true");
  return res;
}

}  // namespace shop::idempotency
