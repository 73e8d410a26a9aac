// JSON-lines logging. Each line is built here (fixed key order: time, level, service, msg, fields)
// and handed to an spdlog stderr logger whose pattern is just the message, so spdlog provides the
// thread-safe, line-atomic output and we own the format.
#include "shop/observability/log.hpp"

#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <mutex>

#include "shop/core/strings.hpp"
#include "shop/core/time.hpp"

namespace shop::log {

namespace {

struct State {
  std::mutex mu;
  std::shared_ptr<const std::string> service = std::make_shared<const std::string>();
  std::function<void(std::string_view)> writer;  // tests
  std::shared_ptr<spdlog::logger> logger;
  std::atomic<int> level{static_cast<int>(Level::kInfo)};
  std::once_flag env_once;
};

State& S() {
  static State* s = new State();  // never destroyed: logging from static destructors stays safe
  return *s;
}

void InitFromEnvOnce() {
  std::call_once(S().env_once, [] {
    if (const char* lvl = std::getenv("LOG_LEVEL")) S().level = static_cast<int>(ParseLevel(lvl));
  });
}

std::shared_ptr<spdlog::logger> Logger() {
  std::lock_guard lock(S().mu);
  if (!S().logger) {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    S().logger = std::make_shared<spdlog::logger>("shop", std::move(sink));
    S().logger->set_pattern("%v");
    S().logger->set_level(spdlog::level::trace);  // filtering happens in Enabled()
    S().logger->flush_on(spdlog::level::warn);
  }
  return S().logger;
}

std::string_view LevelName(Level l) {
  switch (l) {
    case Level::kTrace: return "trace";
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not valid.
std::size_t Utf8SeqLen(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = 0;
  unsigned cp = 0;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; }
  else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; }
  else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; }
  else return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)) return 0;  // overlong
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

// JSON string escaping; invalid UTF-8 bytes become U+FFFD so every line stays valid JSON.
void AppendQuoted(std::string& out, std::string_view s) {
  out.push_back('"');
  for (std::size_t i = 0; i < s.size();) {
    const char c = s[i];
    switch (c) {
      case '"': out += "\\\""; ++i; continue;
      case '\\': out += "\\\\"; ++i; continue;
      case '\n': out += "\\n"; ++i; continue;
      case '\r': out += "\\r"; ++i; continue;
      case '\t': out += "\\t"; ++i; continue;
      case '\b': out += "\\b"; ++i; continue;
      case '\f': out += "\\f"; ++i; continue;
      default: break;
    }
    const auto uc = static_cast<unsigned char>(c);
    if (uc < 0x20 || uc == 0x7F) {
      out += fmt::format("\\u{:04x}", uc);
      ++i;
      continue;
    }
    const auto n = Utf8SeqLen(s, i);
    if (n == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    out.append(s.substr(i, n));
    i += n;
  }
  out.push_back('"');
}

void AppendValue(std::string& out, const FieldValue& v) {
  if (const auto* sv = std::get_if<std::string_view>(&v)) {
    AppendQuoted(out, *sv);
  } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
    out += fmt::format("{}", *i);
  } else if (const auto* d = std::get_if<double>(&v)) {
    if (std::isfinite(*d)) out += fmt::format("{}", *d);
    else out += "null";
  } else if (const auto* b = std::get_if<bool>(&v)) {
    out += *b ? "true" : "false";
  }
}

spdlog::level::level_enum ToSpd(Level l) {
  switch (l) {
    case Level::kTrace: return spdlog::level::trace;
    case Level::kDebug: return spdlog::level::debug;
    case Level::kInfo: return spdlog::level::info;
    case Level::kWarn: return spdlog::level::warn;
    case Level::kError: return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

Level ParseLevel(std::string_view name) {
  const auto n = ToLower(Trim(name));
  if (n == "trace") return Level::kTrace;
  if (n == "debug") return Level::kDebug;
  if (n == "warn" || n == "warning") return Level::kWarn;
  if (n == "error") return Level::kError;
  return Level::kInfo;
}

void Init(std::string_view service, std::string_view level) {
  InitFromEnvOnce();  // consume the once-flag so a later lazy init cannot override `level`
  {
    std::lock_guard lock(S().mu);
    S().service = std::make_shared<const std::string>(service);
  }
  S().level = static_cast<int>(ParseLevel(level));
  Logger();
}

bool Enabled(Level level) {
  InitFromEnvOnce();
  return static_cast<int>(level) >= S().level.load(std::memory_order_relaxed);
}

std::string FormatLine(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  std::shared_ptr<const std::string> service;
  {
    std::lock_guard lock(S().mu);
    service = S().service;
  }
  std::string line;
  line.reserve(128 + msg.size() + fields.size() * 24);
  line += R"({"time":)";
  AppendQuoted(line, FormatRfc3339(SystemClock::Instance().NowMs()));
  line += R"(,"level":)";
  AppendQuoted(line, LevelName(level));
  if (!service->empty()) {
    line += R"(,"service":)";
    AppendQuoted(line, *service);
  }
  line += R"(,"msg":)";
  AppendQuoted(line, msg);
  for (const auto& [key, value] : fields) {
    line.push_back(',');
    AppendQuoted(line, key);
    line.push_back(':');
    AppendValue(line, value);
  }
  line.push_back('}');
  return line;
}

void Write(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  if (!Enabled(level)) return;
  const auto line = FormatLine(level, msg, fields);
  std::function<void(std::string_view)> writer;
  {
    std::lock_guard lock(S().mu);
    writer = S().writer;
  }
  if (writer) {
    writer(line);
    return;
  }
  Logger()->log(ToSpd(level), "{}", line);
}

void Flush() {
  std::shared_ptr<spdlog::logger> logger;
  {
    std::lock_guard lock(S().mu);
    logger = S().logger;
  }
  if (logger) logger->flush();
}

void SetWriterForTesting(std::function<void(std::string_view line)> writer) {
  std::lock_guard lock(S().mu);
  S().writer = std::move(writer);
}

}  // namespace shop::log
