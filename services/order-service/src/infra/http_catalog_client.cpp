#include "infra/http_catalog_client.hpp"

#include <boost/json/parse.hpp>

namespace shop::order::infra {
namespace {

constexpr std::size_t kMaxIdLength = 64;

bool IsUrlSafeId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) return false;
  for (char c : id) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
                    c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

Error Unusable(std::string_view what) { return Error::Unavailable("catalog answered " + std::string(what)); }

}  // namespace

Result<app::CatalogProduct> ParseCatalogProduct(std::string_view body) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return Unusable("malformed JSON");
  const auto& o = v.as_object();
  auto str = [&](std::string_view k) -> const boost::json::string* {
    auto* f = o.if_contains(k);
    return f && f->is_string() ? &f->as_string() : nullptr;
  };
  const auto* id = str("id");
  const auto* name = str("name");
  const auto* price = o.if_contains("price_cents");
  if (!id || !name || !price || !price->is_int64()) return Unusable("a product without id, name or price_cents");
  app::CatalogProduct p;
  p.id = std::string(*id);
  p.name = std::string(*name);
  p.price_cents = price->as_int64();
  if (const auto* sku = str("sku")) p.sku = std::string(*sku);
  const auto* currency = str("currency");
  p.currency = currency ? std::string(*currency) : "USD";
  return p;
}

Result<std::optional<app::CatalogProduct>> HttpCatalogClient::Find(std::string_view product_id,
                                                                   const http::RequestContext& ctx) {
  if (!IsUrlSafeId(product_id)) return std::optional<app::CatalogProduct>{};
  auto res = upstream_.SendBlocking(
      http::MakeCall(http::Method::kGet, "/api/v1/products/" + std::string(product_id), ctx));
  if (res.status == 404 || res.status == 400 || res.status == 422) return std::optional<app::CatalogProduct>{};
  if (res.status != 200) return Error::Unavailable("catalog unavailable (status " + std::to_string(res.status) + ")");
  auto p = ParseCatalogProduct(res.body);
  if (!p) return p.error();
  return std::optional<app::CatalogProduct>{std::move(*p)};
}

}  // namespace shop::order::infra
