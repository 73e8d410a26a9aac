#include "app/catalog_service.hpp"

#include "app/product_events.hpp"
#include "shop/core/cursor.hpp"
#include "shop/core/ids.hpp"

namespace shop::product {

Result<Product> CatalogService::Create(ProductFields fields) {
  auto valid = Normalize(std::move(fields));
  if (!valid) return valid.error();
  Product p;
  p.id = NewId();
  p.fields = std::move(*valid);
  p.created_at = p.updated_at = clock_.NowMs();
  return db_.Write([&](db::Tx& tx) -> Result<Product> {
    if (auto r = repos_.products.Insert(tx, p); !r) return r.error();
    if (auto r = repos_.inventory.Create(tx, p.id, 0, p.created_at); !r) return r.error();
    if (auto r = AppendProductEvent(tx, "ProductCreated", p, clock_); !r) return r.error();
    return p;
  });
}

Result<Product> CatalogService::Save(std::string_view id, const std::function<void(ProductFields&)>& change) {
  return db_.Write([&](db::Tx& tx) -> Result<Product> {
    auto found = repos_.products.Find(tx, id);
    if (!found) return found.error();
    if (!*found) return Error::NotFound("product not found");
    Product p = std::move(**found);
    change(p.fields);
    auto valid = Normalize(std::move(p.fields));
    if (!valid) return valid.error();
    p.fields = std::move(*valid);
    p.version += 1;
    p.updated_at = std::max(clock_.NowMs(), p.created_at);
    if (auto r = repos_.products.Update(tx, p); !r) return r.error();
    if (auto r = AppendProductEvent(tx, "ProductUpdated", p, clock_); !r) return r.error();
    return p;
  });
}

Result<Product> CatalogService::Replace(std::string_view id, ProductFields fields) {
  return Save(id, [&](ProductFields& f) { f = fields; });
}

Result<Product> CatalogService::Patch(std::string_view id, const ProductPatch& patch) {
  return Save(id, [&](ProductFields& f) { ApplyPatch(f, patch); });
}

Result<void> CatalogService::Delete(std::string_view id) {
  return db_.Write([&](db::Tx& tx) -> Result<void> {
    auto found = repos_.products.Find(tx, id);
    if (!found) return found.error();
    if (!*found) return Error::NotFound("product not found");
    Product p = std::move(**found);
    p.deleted = true;
    p.version += 1;
    p.updated_at = std::max(clock_.NowMs(), p.created_at);
    if (auto r = repos_.products.Update(tx, p); !r) return r.error();
    return AppendProductEvent(tx, "ProductUpdated", p, clock_);
  });
}

namespace {

// A page request's cursor opened into q.after; kBadRequest for a forged or foreign cursor.
Result<void> ApplyCursor(ListQuery& q, const std::optional<std::string>& cursor) {
  if (!cursor) return Ok();
  auto payload = cursor::Open(*cursor);
  if (!payload) return Error::BadRequest("invalid cursor");
  auto pos = DecodePosition(q.sort, *payload);
  if (!pos) return pos.error();
  q.after = std::move(*pos);
  return Ok();
}

// Up to q.limit + 1 rows -> the page, with the next cursor when the extra row exists.
ProductPage ToPage(std::vector<Product> rows, const ListQuery& q) {
  ProductPage page;
  page.items = std::move(rows);
  if (page.items.size() > static_cast<std::size_t>(q.limit)) {
    page.items.resize(static_cast<std::size_t>(q.limit));
    page.next_cursor = cursor::Seal(EncodePosition(q.sort, PositionOf(page.items.back(), q.sort)));
  }
  return page;
}

}  // namespace

Result<Product> CatalogService::Get(std::string_view id) {
  auto found = db_.Read([&](db::Tx& tx) { return repos_.products.Find(tx, id); });
  if (!found) return found.error();
  if (!*found) return Error::NotFound("product not found");
  return std::move(**found);
}

Task<Result<Product>> CatalogService::GetAsync(std::string id, boost::asio::any_io_executor blocking) {
  auto found = co_await db_.ReadAsync<std::optional<Product>>(
      [this, &id](db::AsyncTx& tx) { return repos_.products.FindAsync(tx, id); }, std::move(blocking));
  if (!found) co_return found.error();
  if (!*found) co_return Error::NotFound("product not found");
  co_return std::move(**found);
}

Result<ProductPage> CatalogService::List(ListQuery q, const std::optional<std::string>& cursor) {
  if (auto c = ApplyCursor(q, cursor); !c) return c.error();
  auto rows = db_.Read([&](db::Tx& tx) { return repos_.products.List(tx, q); });
  if (!rows) return rows.error();
  return ToPage(std::move(*rows), q);
}

Task<Result<ProductPage>> CatalogService::ListAsync(ListQuery q, std::optional<std::string> cursor,
                                                    boost::asio::any_io_executor blocking) {
  if (auto c = ApplyCursor(q, cursor); !c) co_return c.error();
  auto rows = co_await db_.ReadAsync<std::vector<Product>>(
      [this, &q](db::AsyncTx& tx) { return repos_.products.ListAsync(tx, q); }, std::move(blocking));
  if (!rows) co_return rows.error();
  co_return ToPage(std::move(*rows), q);
}

Result<std::vector<CategoryCount>> CatalogService::Categories() {
  return db_.Read([&](db::Tx& tx) { return repos_.products.Categories(tx); });
}

}  // namespace shop::product
