#include <boost/json/array.hpp>

#include "api/dto.hpp"
#include "api/routes.hpp"
#include "shop/http/problem.hpp"
#include "shop/json/json.hpp"

namespace shop::product::api {
namespace {

using Verifier = std::shared_ptr<const auth::TokenVerifier>;

std::string CacheControl(const RouteOptions& o) { return "public, max-age=" + std::to_string(o.cache_max_age_s); }

http::Response Fail(const Error& e, const http::Request& req) { return http::Problem(e, req.ctx.request_id); }

// The product representation with its strong ETag (the same tag a later GET returns).
http::Response ProductReply(int status, const Product& p) {
  auto res = json::Reply(status, ToJson(p));
  res.headers.Set("ETag", StrongEtag(res.body));
  return res;
}

// GET /products/{id}: a coroutine on the I/O thread; the read never blocks it (CatalogService).
Task<http::Response> GetProduct(CatalogService& catalog, const RouteOptions& o, boost::asio::any_io_executor blocking,
                                const http::Request& req) {
  auto p = co_await catalog.GetAsync(std::string(req.Param("id")), std::move(blocking));
  if (!p) co_return Fail(p.error(), req);
  auto res = ProductReply(200, *p);
  if (IfNoneMatchHits(req, *res.headers.Get("ETag"))) {
    res.status = 304;
    res.body.clear();
    res.headers.Remove("Content-Type");
  }
  res.headers.Set("Cache-Control", CacheControl(o));
  co_return res;
}

Task<http::Response> ListProducts(CatalogService& catalog, const RouteOptions& o,
                                  boost::asio::any_io_executor blocking, const http::Request& req) {
  std::optional<std::string> cursor;
  auto q = ParseListQuery(req, cursor);
  if (!q) co_return Fail(q.error(), req);
  auto page = co_await catalog.ListAsync(std::move(*q), std::move(cursor), std::move(blocking));
  if (!page) co_return Fail(page.error(), req);
  boost::json::array items;
  items.reserve(page->items.size());
  for (const auto& p : page->items) items.push_back(ToJson(p));
  boost::json::object body;
  body["items"] = std::move(items);
  body["next_cursor"] = page->next_cursor ? boost::json::value(*page->next_cursor) : boost::json::value(nullptr);
  auto res = json::Reply(200, body);
  res.headers.Set("Cache-Control", CacheControl(o));
  co_return res;
}

http::Response ListCategories(CatalogService& catalog, const RouteOptions& o, const http::Request& req) {
  auto cats = catalog.Categories();
  if (!cats) return Fail(cats.error(), req);
  boost::json::array items;
  for (const auto& c : *cats) items.push_back({{"name", c.name}, {"product_count", c.product_count}});
  auto res = json::Reply(200, boost::json::object{{"items", std::move(items)}});
  res.headers.Set("Cache-Control", CacheControl(o));
  return res;
}

http::Response CreateProduct(CatalogService& catalog, const Verifier& v, const http::Request& req) {
  if (auto a = CheckAdmin(req, v.get()); !a) return Fail(a.error(), req);
  auto fields = ParseProductFields(req);
  if (!fields) return Fail(fields.error(), req);
  auto p = catalog.Create(std::move(*fields));
  if (!p) return Fail(p.error(), req);
  auto res = ProductReply(201, *p);
  res.headers.Set("Location", "/api/v1/products/" + p->id);
  return res;
}

http::Response ReplaceProduct(CatalogService& catalog, const Verifier& v, const http::Request& req) {
  if (auto a = CheckAdmin(req, v.get()); !a) return Fail(a.error(), req);
  auto fields = ParseProductFields(req);
  if (!fields) return Fail(fields.error(), req);
  auto p = catalog.Replace(req.Param("id"), std::move(*fields));
  if (!p) return Fail(p.error(), req);
  return ProductReply(200, *p);
}

http::Response PatchProduct(CatalogService& catalog, const Verifier& v, const http::Request& req) {
  if (auto a = CheckAdmin(req, v.get()); !a) return Fail(a.error(), req);
  auto patch = ParseProductPatch(req);
  if (!patch) return Fail(patch.error(), req);
  auto p = catalog.Patch(req.Param("id"), *patch);
  if (!p) return Fail(p.error(), req);
  return ProductReply(200, *p);
}

http::Response DeleteProduct(CatalogService& catalog, const Verifier& v, const http::Request& req) {
  if (auto a = CheckAdmin(req, v.get()); !a) return Fail(a.error(), req);
  if (auto r = catalog.Delete(req.Param("id")); !r) return Fail(r.error(), req);
  return http::Response::NoContent();
}

}  // namespace

Result<auth::Principal> CheckAdmin(const http::Request& req, const auth::TokenVerifier* verifier) {
  if (verifier == nullptr) return Error::Unauthenticated("authentication is not configured");
  return auth::RequireAdmin(req, *verifier);
}

void MapProductRoutes(http::Router& router, CatalogService& catalog, Verifier verifier,
                      boost::asio::any_io_executor blocking, RouteOptions o) {
  router.AddAsync(http::Method::kGet, "/api/v1/products",
                  [&catalog, o, blocking](http::Request& r) { return ListProducts(catalog, o, blocking, r); });
  router.Post("/api/v1/products",
              [&catalog, verifier](http::Request& r) { return CreateProduct(catalog, verifier, r); });
  router.AddAsync(http::Method::kGet, "/api/v1/products/{id}",
                  [&catalog, o, blocking](http::Request& r) { return GetProduct(catalog, o, blocking, r); });
  router.Put("/api/v1/products/{id}",
             [&catalog, verifier](http::Request& r) { return ReplaceProduct(catalog, verifier, r); });
  router.Patch("/api/v1/products/{id}",
               [&catalog, verifier](http::Request& r) { return PatchProduct(catalog, verifier, r); });
  router.Delete("/api/v1/products/{id}",
                [&catalog, verifier](http::Request& r) { return DeleteProduct(catalog, verifier, r); });
  router.Get("/api/v1/categories", [&catalog, o](http::Request& r) { return ListCategories(catalog, o, r); });
}

}  // namespace shop::product::api
