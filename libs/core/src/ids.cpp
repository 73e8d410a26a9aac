#include "shop/core/ids.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <chrono>
#include <mutex>

#include "shop/core/strings.hpp"

namespace shop {
namespace {

void EnsureSodium() {
  static const int rc = sodium_init();
  (void)rc;  // 0 = initialised now, 1 = already initialised; -1 cannot happen on Linux.
}

// Monotonic within a process: ids created in the same millisecond still sort in creation order
// (RFC 9562 method 3: a 12-bit counter in rand_a, seeded randomly each new millisecond).
struct V7State {
  std::mutex mu;
  std::uint64_t last_ms = 0;
  std::uint16_t counter = 0;
};

// Random bytes for ids from a per-thread buffer refilled from the CSPRNG 4 KiB at a time: one
// getrandom() per ~200 ids instead of one per id (ids are minted on every request: request id,
// trace id, span id). Not used for secrets (RandomToken draws directly).
void PooledRandom(unsigned char* out, std::size_t n) {
  thread_local std::array<unsigned char, 4096> pool{};
  thread_local std::size_t used = pool.size();
  while (n > 0) {
    if (used == pool.size()) {
      randombytes_buf(pool.data(), pool.size());
      used = 0;
    }
    const std::size_t take = std::min(n, pool.size() - used);
    std::memcpy(out, pool.data() + used, take);
    sodium_memzero(pool.data() + used, take);
    used += take;
    out += take;
    n -= take;
  }
}

}  // namespace

std::string NewId() {
  EnsureSodium();
  static V7State state;
  std::array<unsigned char, 16> b{};
  PooledRandom(b.data(), b.size());
  auto ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  std::uint16_t counter;
  {
    std::lock_guard lock(state.mu);
    if (ms <= state.last_ms) {
      ms = state.last_ms;
      counter = ++state.counter & 0x0fff;
      if (counter == 0) ms = ++state.last_ms;  // counter wrapped: borrow the next millisecond
    } else {
      state.last_ms = ms;
      state.counter = static_cast<std::uint16_t>((b[6] << 8 | b[7]) & 0x07ff);  // leave room to count
      counter = state.counter;
    }
  }
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (8 * (5 - i)));
  b[6] = static_cast<unsigned char>(0x70 | ((counter >> 8) & 0x0f));
  b[7] = static_cast<unsigned char>(counter & 0xff);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0x0f]);
  }
  return out;
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

std::string RandomHex(std::size_t n) {
  EnsureSodium();
  std::string bytes(n, '\0');
  PooledRandom(reinterpret_cast<unsigned char*>(bytes.data()), n);
  return HexEncode(bytes);
}

std::string RandomToken() {
  EnsureSodium();
  std::string bytes(32, '\0');
  randombytes_buf(bytes.data(), bytes.size());
  return Base64UrlEncode(bytes);
}

}  // namespace shop
