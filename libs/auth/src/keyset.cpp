// KeySet: Ed25519 public keys by kid, and their JWKS form (RFC 7517 / RFC 8037).
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <mutex>

#include "shop/auth/auth.hpp"
#include "shop/core/strings.hpp"

namespace shop::auth {

namespace {
constexpr std::size_t kPublicKeyBytes = 32;
}

void KeySet::Put(std::string kid, std::string public_key) {
  if (kid.empty() || public_key.size() != kPublicKeyBytes) return;
  std::unique_lock lock(mu_);
  keys_[std::move(kid)] = std::move(public_key);
  version_.fetch_add(1, std::memory_order_acq_rel);
}

void KeySet::Remove(std::string_view kid) {
  std::unique_lock lock(mu_);
  if (auto it = keys_.find(std::string(kid)); it != keys_.end()) {
    keys_.erase(it);
    version_.fetch_add(1, std::memory_order_acq_rel);
  }
}

std::optional<std::string> KeySet::Find(std::string_view kid) const {
  std::shared_lock lock(mu_);
  auto it = keys_.find(std::string(kid));
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> KeySet::Kids() const {
  std::vector<std::string> out;
  {
    std::shared_lock lock(mu_);
    for (const auto& [kid, _] : keys_) out.push_back(kid);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string KeySet::ToJwks() const {
  boost::json::array keys;
  for (const auto& kid : Kids()) {
    auto pk = Find(kid);
    if (!pk) continue;
    keys.push_back(boost::json::object{{"kty", "OKP"},
                                       {"crv", "Ed25519"},
                                       {"alg", "EdDSA"},
                                       {"use", "sig"},
                                       {"kid", kid},
                                       {"x", Base64UrlEncode(*pk)}});
  }
  return boost::json::serialize(boost::json::object{{"keys", std::move(keys)}});
}

Result<std::shared_ptr<KeySet>> KeySet::FromJwks(std::string_view jwks_json) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(jwks_json, ec);
  if (ec || !doc.is_object()) return Error::BadRequest("JWKS is not a JSON object");
  const auto* keys = doc.as_object().if_contains("keys");
  if (!keys || !keys->is_array()) return Error::BadRequest("JWKS has no \"keys\" array");
  auto out = std::make_shared<KeySet>();
  auto str = [](const boost::json::object& o, std::string_view k) -> std::string_view {
    const auto* v = o.if_contains(k);
    return v && v->is_string() ? std::string_view(v->as_string()) : std::string_view{};
  };
  for (const auto& v : keys->as_array()) {
    if (!v.is_object()) continue;
    const auto& jwk = v.as_object();
    if (str(jwk, "kty") != "OKP" || str(jwk, "crv") != "Ed25519") continue;
    if (jwk.contains("alg") && str(jwk, "alg") != "EdDSA") continue;
    if (jwk.contains("use") && str(jwk, "use") != "sig") continue;
    const auto kid = str(jwk, "kid");
    auto x = Base64UrlDecode(str(jwk, "x"));
    if (kid.empty() || !x || x->size() != kPublicKeyBytes) continue;
    out->Put(std::string(kid), std::move(*x));
  }
  return out;
}

}  // namespace shop::auth
