// Structured logging: one JSON object per line on stderr (spdlog), e.g.
//   {"time":"...","level":"info","service":"order-service","msg":"request","method":"GET",...}
// Level from LOG_LEVEL (trace, debug, info, warn, error; default info). Log allow-listed fields
// only: never a password, hash, token, card number or CVC.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace shop::log {

enum class Level { kTrace, kDebug, kInfo, kWarn, kError };

using FieldValue = std::variant<std::string_view, std::int64_t, double, bool>;
using Field = std::pair<std::string_view, FieldValue>;

void Init(std::string_view service, std::string_view level);
bool Enabled(Level level);
void Write(Level level, std::string_view msg, std::initializer_list<Field> fields = {});
void Flush();

// The JSON line Write() emits for these arguments (no trailing newline). Exposed for tests.
std::string FormatLine(Level level, std::string_view msg, std::initializer_list<Field> fields = {});
// Redirects log lines (without newline) to `writer` instead of stderr; an empty function restores
// stderr. For tests.
void SetWriterForTesting(std::function<void(std::string_view line)> writer);
// "trace".."error" (also "warning"); anything else gives kInfo.
Level ParseLevel(std::string_view name);

inline void Info(std::string_view msg, std::initializer_list<Field> f = {}) { Write(Level::kInfo, msg, f); }
inline void Warn(std::string_view msg, std::initializer_list<Field> f = {}) { Write(Level::kWarn, msg, f); }
inline void Error(std::string_view msg, std::initializer_list<Field> f = {}) { Write(Level::kError, msg, f); }
inline void Debug(std::string_view msg, std::initializer_list<Field> f = {}) { Write(Level::kDebug, msg, f); }

}  // namespace shop::log
