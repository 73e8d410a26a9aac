// Idempotency-Key handling as payment processors do it (API-CONTRACT "Conventions").
//
// A key is scoped to the user. The first request's status and body are stored with a fingerprint
// (SHA-256 of method, route and body); a retry with the same key and the same fingerprint gets the
// stored response byte for byte and does no work; the same key with another fingerprint is 409.
// Keys expire after 24 hours (Purge removes expired rows).
//
// Usage, inside the ONE write transaction that also does the work (SQLite serialises writers, so
// two concurrent requests with one key do the work once: the second one sees the first's record):
//
//   auto seen = idempotency::Lookup(tx, user, key, fp, now);      // before doing anything
//   if (!seen) return seen.error();                               // kConflict on a fingerprint clash
//   if (*seen) return Replay(**seen);                             // stored response
//   ... do the work, render the response body ...
//   idempotency::Save(tx, user, key, fp, 201, body, now);
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shop/core/error.hpp"
#include "shop/core/time.hpp"
#include "shop/db/database.hpp"
#include "shop/db/migrations.hpp"
#include "shop/http/message.hpp"

namespace shop::idempotency {

inline constexpr UnixMillis kTtlMs = 24LL * 3600 * 1000;

struct Stored {
  int status = 0;
  std::string body;
};

// The table `idempotency_keys` (component "idempotency").
std::vector<db::Migration> SchemaMigrations();

// The request's Idempotency-Key header: nullopt when absent; kBadRequest when present but empty,
// longer than 255 characters or not printable ASCII.
Result<std::optional<std::string>> KeyOf(const http::Request& req);

// Hex SHA-256 over method, route and body.
std::string Fingerprint(const http::Request& req);

// nullopt: first use (go ahead); a Stored: replay it; kConflict: same key, different request.
Result<std::optional<Stored>> Lookup(db::Tx& tx, std::string_view user, std::string_view key,
                                     std::string_view fingerprint, UnixMillis now);

Result<void> Save(db::Tx& tx, std::string_view user, std::string_view key, std::string_view fingerprint,
                  int status, std::string_view body, UnixMillis now);

// Deletes expired keys; returns how many.
Result<std::int64_t> Purge(db::Database& db, UnixMillis now);

// The stored response as an HTTP response (application/json, plus "Idempotent-Replayed: true").
http::Response Replay(const Stored& s);

}  // namespace shop::idempotency
