// Identifiers: UUIDv7 (RFC 9562) strings, time-ordered for good B-tree locality.
// Thread-safe: randomness comes from libsodium's CSPRNG.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace shop {

// A new lowercase canonical UUIDv7, e.g. "01936b8e-4f2a-7c3d-9e1f-0a1b2c3d4e5f".
std::string NewId();

// True if `s` is a canonical lowercase/uppercase 36-character UUID (any version).
bool IsUuid(std::string_view s);

// `n` random bytes from the CSPRNG, hex-encoded (2n characters).
std::string RandomHex(std::size_t n);

// 32 random bytes, base64url without padding (for opaque tokens).
std::string RandomToken();

}  // namespace shop
