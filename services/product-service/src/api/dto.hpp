// JSON shapes of the product-service API (API-CONTRACT "Catalog and inventory") and the
// HTTP-level helpers its handlers share (query parsing, ETag). Types/ranges of JSON values are
// checked here (wrong type -> 400); business rules are the domain's (-> 422).
#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

#include "domain/inventory.hpp"
#include "domain/listing.hpp"
#include "domain/product.hpp"
#include "shop/http/message.hpp"

namespace shop::product::api {

// {"id","sku","name","description","price_cents","currency","category","stock_available","created_at","updated_at"}
boost::json::object ToJson(const Product& p);
// {"product_id","on_hand","reserved","available"}
boost::json::object ToJson(const StockLevel& s);

// POST / PUT body: sku, name, price_cents, category required; description ("") and currency
// ("USD") optional. Unknown fields are ignored.
Result<ProductFields> ParseProductFields(const http::Request& req);
Result<ProductPatch> ParseProductPatch(const http::Request& req);
// {"on_hand": int >= 0}
Result<std::int64_t> ParseOnHand(const http::Request& req);

// The list query string: kBadRequest for a malformed limit/min_price/max_price/sort/q.
// `cursor` receives the raw cursor token when present.
Result<ListQuery> ParseListQuery(const http::Request& req, std::optional<std::string>& cursor);

// A strong entity tag for `body` ("\"<16 hex>\"", FNV-1a 64).
std::string StrongEtag(std::string_view body);
// True when If-None-Match lists `etag` (or is "*").
bool IfNoneMatchHits(const http::Request& req, std::string_view etag);

}  // namespace shop::product::api
