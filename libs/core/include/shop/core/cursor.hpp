// Opaque, tamper-evident pagination cursors: base64url(payload || HMAC(payload)).
// The payload is whatever the repository needs to resume a keyset scan (e.g. "<price>|<id>").
// The key comes from CURSOR_SECRET (set once at start-up by the host; all replicas of a service
// must share it) or is random per process. A forged or truncated cursor fails to open.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace shop::cursor {

// Sets the process-wide key (any length; it is hashed to 32 bytes). Call before serving.
void SetKey(std::string_view secret);

std::string Seal(std::string_view payload);
std::optional<std::string> Open(std::string_view token);

}  // namespace shop::cursor
