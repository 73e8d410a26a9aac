#include "app/login_throttle.hpp"

#include <algorithm>

namespace shop::user {

LoginThrottle::LoginThrottle(ThrottleOptions options, const Clock& clock) : options_(options), clock_(clock) {
  accounts_.max = options_.max_failures_per_account;
  accounts_.window_ms = options_.account_window_s * 1000;
  ips_.max = options_.max_failures_per_ip;
  ips_.window_ms = options_.ip_window_s * 1000;
}

std::int64_t LoginThrottle::RetryAfter(Window& w, std::string_view key, UnixMillis now) {
  if (w.max <= 0) return 0;  // limit disabled
  auto it = w.failures.find(std::string(key));
  if (it == w.failures.end()) return 0;
  auto& q = it->second;
  while (!q.empty() && q.front() + w.window_ms <= now) q.pop_front();
  if (q.empty()) {
    w.failures.erase(it);
    return 0;
  }
  if (static_cast<int>(q.size()) < w.max) return 0;
  // The oldest failure that keeps the count at the limit must leave the window.
  const auto until = q[q.size() - static_cast<std::size_t>(w.max)] + w.window_ms;
  return std::max<std::int64_t>(1, (until - now + 999) / 1000);
}

void LoginThrottle::Add(Window& w, std::string_view key, UnixMillis now) {
  if (w.max <= 0) return;
  if (w.failures.size() >= options_.max_keys && !w.failures.contains(std::string(key))) {
    std::erase_if(w.failures, [&](const auto& kv) { return kv.second.empty() || kv.second.back() + w.window_ms <= now; });
    if (w.failures.size() >= options_.max_keys) {
      auto oldest = std::min_element(w.failures.begin(), w.failures.end(),
                                     [](const auto& a, const auto& b) { return a.second.back() < b.second.back(); });
      w.failures.erase(oldest);
    }
  }
  auto& q = w.failures[std::string(key)];
  q.push_back(now);
  while (q.size() > static_cast<std::size_t>(w.max)) q.pop_front();
}

Result<void> LoginThrottle::Check(std::string_view account, std::string_view ip) {
  std::lock_guard lock(mu_);
  const auto now = clock_.NowMs();
  const auto wait = std::max(RetryAfter(accounts_, account, now), ip.empty() ? 0 : RetryAfter(ips_, ip, now));
  if (wait > 0) return Error::RateLimited("too many failed login attempts; try again later", static_cast<int>(wait));
  return Ok();
}

void LoginThrottle::RecordFailure(std::string_view account, std::string_view ip) {
  std::lock_guard lock(mu_);
  const auto now = clock_.NowMs();
  Add(accounts_, account, now);
  if (!ip.empty()) Add(ips_, ip, now);
}

void LoginThrottle::RecordSuccess(std::string_view account) {
  std::lock_guard lock(mu_);
  accounts_.failures.erase(std::string(account));
}

}  // namespace shop::user
