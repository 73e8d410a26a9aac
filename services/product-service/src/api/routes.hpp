// The product-service's HTTP routes. Handlers authenticate, parse, call one service method and map
// its Result with http::Problem. The two public catalog reads are coroutines on the I/O thread
// (the database read never blocks it: CatalogService::*Async, `blocking` is the module's worker
// pool for databases without an asynchronous client); the others are blocking handlers on the
// Module's worker pool.
//   GET    /api/v1/products              public, Cache-Control
//   POST   /api/v1/products              admin -> 201 + Location
//   GET    /api/v1/products/{id}         public, strong ETag, If-None-Match -> 304
//   PUT    /api/v1/products/{id}         admin
//   PATCH  /api/v1/products/{id}         admin
//   DELETE /api/v1/products/{id}         admin, soft delete -> 204
//   GET    /api/v1/categories            public
//   GET    /api/v1/inventory/{product_id}  admin
//   PUT    /api/v1/inventory/{product_id}  admin {on_hand}
#pragma once

#include <memory>

#include "app/catalog_service.hpp"
#include "app/inventory_service.hpp"
#include "shop/auth/auth.hpp"
#include "shop/http/router.hpp"

namespace shop::product::api {

struct RouteOptions {
  int cache_max_age_s = 30;  // Cache-Control on public reads
};

void MapProductRoutes(http::Router& router, CatalogService& catalog,
                      std::shared_ptr<const auth::TokenVerifier> verifier, boost::asio::any_io_executor blocking,
                      RouteOptions options = {});
void MapInventoryRoutes(http::Router& router, InventoryService& inventory,
                        std::shared_ptr<const auth::TokenVerifier> verifier);

// kUnauthenticated when no verifier is configured; otherwise auth::RequireAdmin.
Result<auth::Principal> CheckAdmin(const http::Request& req, const auth::TokenVerifier* verifier);

}  // namespace shop::product::api
