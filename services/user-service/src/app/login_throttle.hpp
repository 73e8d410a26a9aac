// LoginThrottle: limits FAILED logins per account (normalised email) and per client IP over
// sliding windows (defaults: 10 per account per 15 min, 100 per IP per minute). While either limit
// is reached every login attempt for that account / from that IP is refused with kRateLimited and
// retry_after_s = when the oldest counted failure leaves the window. Successful logins are never
// counted (a busy office behind one NAT address is not locked out) and clear the account's count.
//
// An empty `ip` (a caller that does not know the client address) skips the per-IP limit rather
// than putting every such login in one shared bucket that a single attacker could fill.
//
// State is in memory, per process (ADR/README: with several replicas each enforces its own limit;
// a restart forgets the counts). Memory is bounded: at most `max` timestamps per key and at most
// `max_keys` keys (stale keys are swept first; a flood of distinct keys evicts the oldest).
// Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "shop/core/error.hpp"
#include "shop/core/time.hpp"

namespace shop::user {

struct ThrottleOptions {
  int max_failures_per_account = 10;
  std::int64_t account_window_s = 15 * 60;
  int max_failures_per_ip = 100;
  std::int64_t ip_window_s = 60;
  std::size_t max_keys = 100'000;
};

class LoginThrottle {
 public:
  LoginThrottle(ThrottleOptions options, const Clock& clock);

  // kRateLimited (with retry_after_s) if the account or the IP is over its limit, else ok.
  Result<void> Check(std::string_view account, std::string_view ip);
  void RecordFailure(std::string_view account, std::string_view ip);
  void RecordSuccess(std::string_view account);

 private:
  struct Window {
    int max = 0;
    std::int64_t window_ms = 0;
    std::unordered_map<std::string, std::deque<UnixMillis>> failures;
  };
  // Seconds until `key` may try again, or 0.
  static std::int64_t RetryAfter(Window& w, std::string_view key, UnixMillis now);
  void Add(Window& w, std::string_view key, UnixMillis now);

  ThrottleOptions options_;
  const Clock& clock_;
  std::mutex mu_;
  Window accounts_;
  Window ips_;
};

}  // namespace shop::user
