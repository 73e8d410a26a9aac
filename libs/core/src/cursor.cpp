#include "shop/core/cursor.hpp"

#include <sodium.h>

#include <array>
#include <mutex>
#include <shared_mutex>

#include "shop/core/strings.hpp"

namespace shop::cursor {
namespace {

struct KeyHolder {
  std::shared_mutex mu;
  std::array<unsigned char, crypto_auth_KEYBYTES> key{};
  KeyHolder() {
    if (sodium_init() < 0) std::abort();
    crypto_auth_keygen(key.data());
  }
};

KeyHolder& Holder() {
  static KeyHolder h;
  return h;
}

}  // namespace

void SetKey(std::string_view secret) {
  auto& h = Holder();
  std::unique_lock lock(h.mu);
  crypto_generichash(h.key.data(), h.key.size(), reinterpret_cast<const unsigned char*>(secret.data()),
                     secret.size(), nullptr, 0);
}

std::string Seal(std::string_view payload) {
  auto& h = Holder();
  std::array<unsigned char, crypto_auth_BYTES> mac{};
  {
    std::shared_lock lock(h.mu);
    crypto_auth(mac.data(), reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), h.key.data());
  }
  std::string raw(payload);
  raw.append(reinterpret_cast<const char*>(mac.data()), 16);  // a 128-bit tag is plenty here
  return Base64UrlEncode(raw);
}

std::optional<std::string> Open(std::string_view token) {
  if (token.empty() || token.size() > 2048) return std::nullopt;
  auto raw = Base64UrlDecode(token);
  if (!raw || raw->size() < 16) return std::nullopt;
  const std::string_view payload(raw->data(), raw->size() - 16);
  auto& h = Holder();
  std::array<unsigned char, crypto_auth_BYTES> mac{};
  {
    std::shared_lock lock(h.mu);
    crypto_auth(mac.data(), reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), h.key.data());
  }
  if (sodium_memcmp(mac.data(), raw->data() + payload.size(), 16) != 0) return std::nullopt;
  return std::string(payload);
}

}  // namespace shop::cursor
