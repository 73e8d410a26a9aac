// The secret that keys idempotency fingerprints of payment requests.
//
// libs/idempotency fingerprints a request as SHA-256(method, route, body). A payment body holds the
// card number and CVC, and the stored payment gives away brand + last 4, so a plain hash of it is
// brute-forceable (~10^10 guesses) by anyone who can read the database. The payment-service stores
// HMAC-SHA256(key, fingerprint) instead, with a key kept outside the database: a 32-byte random
// file in DATA_DIR, created on first start (mode 0600). Losing the file only makes retries of
// requests made before the loss answer 409 instead of replaying.
#pragma once

#include <string>
#include <string_view>

#include "shop/core/error.hpp"

namespace shop::payment::infra {

inline constexpr std::string_view kFingerprintKeyFile = "payment-idempotency.key";

// Reads `path` (32 bytes), creating it with fresh random bytes when absent.
Result<std::string> LoadOrCreateFingerprintKey(const std::string& path);

// Hex HMAC-SHA256(key, fingerprint).
std::string KeyedFingerprint(std::string_view key, std::string_view fingerprint);

}  // namespace shop::payment::infra
