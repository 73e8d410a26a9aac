// Failpoints. The configuration is a small map behind a mutex; `g_enabled` lets an unconfigured
// process pay one relaxed atomic load per Hit. At start-up the FAILPOINTS environment variable is
// applied (a bad spec is reported on stderr and ignored), so any binary honours it.
#include "shop/failpoint/failpoint.hpp"

#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>

namespace shop::failpoint {
namespace {

enum class Action { kOff, kCrash, kSleep, kError };

struct Point {
  Action action = Action::kOff;
  int sleep_ms = 0;
  long remaining = -1;  // hits that still fire; -1 = unlimited
  int percent = 100;
};

std::atomic<bool> g_enabled{false};

std::mutex& Mu() {
  static std::mutex mu;
  return mu;
}

std::map<std::string, Point, std::less<>>& Points() {
  static std::map<std::string, Point, std::less<>> points;
  return points;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

// Parses a non-negative decimal that makes up all of `s`.
bool ParseNumber(std::string_view s, long& out) {
  if (s.empty()) return false;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && out >= 0;
}

Error BadEntry(std::string_view entry, std::string_view why) {
  return Error{Errc::kInvalid, "failpoint entry '" + std::string(entry) + "': " + std::string(why)};
}

// action := [N '*'] [P '%'] ( crash | error | off | sleep '(' ms ')' )
Result<Point> ParseAction(std::string_view entry, std::string_view a) {
  Point p;
  if (const auto star = a.find('*'); star != std::string_view::npos) {
    long n = 0;
    if (!ParseNumber(Trim(a.substr(0, star)), n)) return BadEntry(entry, "bad count before '*'");
    p.remaining = n;
    a = Trim(a.substr(star + 1));
  }
  if (const auto pct = a.find('%'); pct != std::string_view::npos) {
    long n = 0;
    if (!ParseNumber(Trim(a.substr(0, pct)), n) || n > 100) return BadEntry(entry, "bad percentage before '%'");
    p.percent = static_cast<int>(n);
    a = Trim(a.substr(pct + 1));
  }
  if (a == "crash") {
    p.action = Action::kCrash;
  } else if (a == "error") {
    p.action = Action::kError;
  } else if (a == "off") {
    p.action = Action::kOff;
  } else if (a.substr(0, 6) == "sleep(" && a.size() > 7 && a.back() == ')') {
    long ms = 0;
    if (!ParseNumber(Trim(a.substr(6, a.size() - 7)), ms) || ms > 3'600'000) {
      return BadEntry(entry, "bad sleep duration");
    }
    p.action = Action::kSleep;
    p.sleep_ms = static_cast<int>(ms);
  } else {
    return BadEntry(entry, "unknown action (expected crash, sleep(ms), error or off)");
  }
  return p;
}

bool Roll(int percent) {
  if (percent >= 100) return true;
  if (percent <= 0) return false;
  thread_local std::minstd_rand rng{std::random_device{}()};
  return static_cast<int>(rng() % 100) < percent;
}

// Applies FAILPOINTS from the environment before main().
const bool g_from_env = [] {
  if (const char* spec = std::getenv("FAILPOINTS"); spec != nullptr && *spec != '\0') {
    if (auto r = Configure(spec); !r) std::fprintf(stderr, "FAILPOINTS ignored: %s\n", r.error().detail.c_str());
  }
  return true;
}();

}  // namespace

Result<void> Configure(std::string_view spec) {
  std::map<std::string, Point, std::less<>> parsed;
  std::size_t start = 0;
  while (start <= spec.size()) {
    auto end = spec.find(',', start);
    if (end == std::string_view::npos) end = spec.size();
    const auto entry = Trim(spec.substr(start, end - start));
    start = end + 1;
    if (entry.empty()) continue;
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos) return BadEntry(entry, "expected name=action");
    const auto name = Trim(entry.substr(0, eq));
    if (name.empty()) return BadEntry(entry, "empty name");
    auto point = ParseAction(entry, Trim(entry.substr(eq + 1)));
    if (!point) return point.error();
    parsed[std::string(name)] = *point;
  }
  std::lock_guard lock(Mu());
  Points() = std::move(parsed);
  g_enabled.store(!Points().empty(), std::memory_order_relaxed);
  return Ok();
}

void Clear() {
  std::lock_guard lock(Mu());
  Points().clear();
  g_enabled.store(false, std::memory_order_relaxed);
}

Result<void> Hit(std::string_view name) {
  if (!g_enabled.load(std::memory_order_relaxed)) return Ok();
  Point fire;
  {
    std::lock_guard lock(Mu());
    auto it = Points().find(name);
    if (it == Points().end()) return Ok();
    Point& p = it->second;
    if (p.action == Action::kOff || p.remaining == 0 || !Roll(p.percent)) return Ok();
    if (p.remaining > 0) --p.remaining;
    fire = p;
  }
  switch (fire.action) {
    case Action::kCrash:
      // Like kill -9: no destructors, no atexit handlers, no buffered output flushed.
      std::raise(SIGKILL);
      std::_Exit(137);
    case Action::kSleep:
      std::this_thread::sleep_for(std::chrono::milliseconds(fire.sleep_ms));
      return Ok();
    case Action::kError:
      return Error::Unavailable("failpoint " + std::string(name));
    case Action::kOff:
      break;
  }
  return Ok();
}

}  // namespace shop::failpoint
