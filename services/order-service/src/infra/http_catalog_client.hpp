// CatalogClient over the product-service's public HTTP API (GET /api/v1/products/{id}), through an
// http::Upstream: in-process in the all-in-one, a pooled HTTP client in a service binary.
// 200 -> the product; 404 (unknown or soft-deleted) or an id that is not URL-safe -> nullopt;
// 5xx, 429 or an unparsable body -> kUnavailable. Thread-safe; blocking (worker threads only).
#pragma once

#include "app/ports.hpp"
#include "shop/http/upstream.hpp"

namespace shop::order::infra {

class HttpCatalogClient final : public app::CatalogClient {
 public:
  explicit HttpCatalogClient(http::Upstream& upstream) : upstream_(upstream) {}
  Result<std::optional<app::CatalogProduct>> Find(std::string_view product_id,
                                                  const http::RequestContext& ctx) override;

 private:
  http::Upstream& upstream_;
};

// Parses a product-service product body. kUnavailable (an unusable answer) when fields are missing.
Result<app::CatalogProduct> ParseCatalogProduct(std::string_view body);

}  // namespace shop::order::infra
