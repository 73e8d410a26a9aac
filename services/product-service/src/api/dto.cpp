#include "api/dto.hpp"

#include <cstdio>
#include <limits>

#include "shop/core/strings.hpp"
#include "shop/json/json.hpp"

namespace shop::product::api {
namespace {

constexpr std::int64_t kMinInt = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMaxInt = std::numeric_limits<std::int64_t>::max();
constexpr std::size_t kAnyLength = 1'000'000;
constexpr std::size_t kMaxQueryText = 200;

Error QueryError(std::string field, std::string message) {
  Error e = Error::BadRequest(field + ": " + message);
  e.fields.push_back({std::move(field), std::move(message)});
  return e;
}

Result<std::optional<std::int64_t>> OptionalNonNegative(const http::Request& req, std::string_view name) {
  auto raw = req.QueryParam(name);
  if (!raw || raw->empty()) return std::optional<std::int64_t>{};
  auto v = ParseInt(*raw);
  if (!v || *v < 0) return QueryError(std::string(name), "must be a non-negative integer");
  return std::optional<std::int64_t>{*v};
}

}  // namespace

boost::json::object ToJson(const Product& p) {
  boost::json::object o;
  o.reserve(10);
  o["id"] = p.id;
  o["sku"] = p.fields.sku;
  o["name"] = p.fields.name;
  o["description"] = p.fields.description;
  o["price_cents"] = p.fields.price_cents;
  o["currency"] = p.fields.currency;
  o["category"] = p.fields.category;
  o["stock_available"] = p.stock_available;
  o["created_at"] = FormatRfc3339(p.created_at);
  o["updated_at"] = FormatRfc3339(p.updated_at);
  return o;
}

boost::json::object ToJson(const StockLevel& s) {
  boost::json::object o;
  o["product_id"] = s.product_id;
  o["on_hand"] = s.on_hand;
  o["reserved"] = s.reserved;
  o["available"] = s.available();
  return o;
}

Result<ProductFields> ParseProductFields(const http::Request& req) {
  auto body = json::ParseBody(req);
  if (!body) return body.error();
  json::ObjectReader r(*body);
  ProductFields f;
  auto sku = r.String("sku", true, 0, kAnyLength, false);
  auto name = r.String("name", true, 0, kAnyLength);
  auto description = r.String("description", false, 0, kAnyLength);
  auto price = r.Int("price_cents", true, kMinInt, kMaxInt);
  auto currency = r.String("currency", false, 0, kAnyLength);
  auto category = r.String("category", true, 0, kAnyLength);
  if (auto st = r.Finish(); !st) return st.error();
  f.sku = sku.value_or("");
  f.name = name.value_or("");
  f.description = description.value_or("");
  f.price_cents = price.value_or(0);
  f.currency = currency.value_or(std::string(kDefaultCurrency));
  f.category = category.value_or("");
  return f;
}

Result<ProductPatch> ParseProductPatch(const http::Request& req) {
  auto body = json::ParseBody(req);
  if (!body) return body.error();
  json::ObjectReader r(*body);
  ProductPatch p;
  p.sku = r.String("sku", false, 0, kAnyLength, false);
  p.name = r.String("name", false, 0, kAnyLength);
  p.description = r.String("description", false, 0, kAnyLength);
  p.price_cents = r.Int("price_cents", false, kMinInt, kMaxInt);
  p.currency = r.String("currency", false, 0, kAnyLength);
  p.category = r.String("category", false, 0, kAnyLength);
  if (auto st = r.Finish(); !st) return st.error();
  return p;
}

Result<std::int64_t> ParseOnHand(const http::Request& req) {
  auto body = json::ParseBody(req);
  if (!body) return body.error();
  json::ObjectReader r(*body);
  auto on_hand = r.Int("on_hand", true, 0, 1'000'000'000'000);
  if (auto st = r.Finish(); !st) return st.error();
  return *on_hand;
}

Result<ListQuery> ParseListQuery(const http::Request& req, std::optional<std::string>& cursor) {
  ListQuery q;
  if (auto raw = req.QueryParam("limit"); raw) {
    auto v = ParseInt(*raw);
    if (!v || *v < 1) return QueryError("limit", "must be an integer in 1..100");
    q.limit = static_cast<int>(std::min<std::int64_t>(*v, kMaxPageSize));
  }
  if (auto raw = req.QueryParam("sort"); raw && !raw->empty()) {
    auto s = ParseSort(*raw);
    if (!s) return QueryError("sort", "must be one of price, -price, name, created_at, -created_at");
    q.sort = *s;
  }
  if (auto raw = req.QueryParam("q"); raw && !Trim(*raw).empty()) {
    if (raw->size() > kMaxQueryText) return QueryError("q", "must be at most 200 characters");
    q.q = std::move(*raw);
  }
  if (auto raw = req.QueryParam("category"); raw && !raw->empty()) q.category = std::move(*raw);
  auto min = OptionalNonNegative(req, "min_price");
  if (!min) return min.error();
  auto max = OptionalNonNegative(req, "max_price");
  if (!max) return max.error();
  q.min_price = *min;
  q.max_price = *max;
  if (auto raw = req.QueryParam("cursor"); raw && !raw->empty()) cursor = std::move(*raw);
  return q;
}

std::string StrongEtag(std::string_view body) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : body) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[21];
  std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}

bool IfNoneMatchHits(const http::Request& req, std::string_view etag) {
  auto header = req.Header("If-None-Match");
  if (!header) return false;
  for (auto part : Split(*header, ',')) {
    auto tag = Trim(part);
    if (tag == "*") return true;
    if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);  // If-None-Match uses weak comparison
    if (tag == etag) return true;
  }
  return false;
}

}  // namespace shop::product::api
