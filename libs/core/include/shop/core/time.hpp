// Time: the platform stores timestamps as integer Unix milliseconds (portable across SQLite and
// PostgreSQL) and prints them as RFC 3339 UTC with milliseconds ("2026-11-24T11:07:11.123Z").
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shop {

using UnixMillis = std::int64_t;

// Clock: a seam for tests. SystemClock is the real one; ManualClock is advanced by hand.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual UnixMillis NowMs() const = 0;
};

class SystemClock final : public Clock {
 public:
  UnixMillis NowMs() const override;
  static SystemClock& Instance();
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(UnixMillis start = 1'790'000'000'000) : now_(start) {}
  UnixMillis NowMs() const override { return now_.load(); }
  void Advance(UnixMillis ms) { now_ += ms; }
  void Set(UnixMillis ms) { now_ = ms; }

 private:
  std::atomic<UnixMillis> now_;
};

std::string FormatRfc3339(UnixMillis ms);
std::optional<UnixMillis> ParseRfc3339(std::string_view s);

}  // namespace shop
