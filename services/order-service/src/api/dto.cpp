#include "api/dto.hpp"

#include <boost/json/array.hpp>

#include "shop/json/json.hpp"

namespace shop::order::api {
namespace {

using boost::json::array;
using boost::json::object;

constexpr std::size_t kMaxIdLength = 64;

std::optional<domain::ShippingAddress> ParseAddress(json::ObjectReader& parent) {
  const auto* obj = parent.Object("shipping_address", true);
  if (!obj) return std::nullopt;
  json::ObjectReader r(*obj, "shipping_address");
  domain::ShippingAddress a;
  auto name = r.String("name", true, 1, domain::kMaxAddressField);
  auto line1 = r.String("line1", true, 1, domain::kMaxAddressField);
  a.line2 = r.String("line2", false, 0, domain::kMaxAddressField);
  auto city = r.String("city", true, 1, domain::kMaxAddressField);
  a.state = r.String("state", false, 0, domain::kMaxAddressField);
  auto postal = r.String("postal_code", true, 1, domain::kMaxPostalCode);
  auto country = r.String("country", true, 2, 2);
  parent.Absorb(r);
  if (!name || !line1 || !city || !postal || !country) return std::nullopt;
  a.name = std::move(*name);
  a.line1 = std::move(*line1);
  a.city = std::move(*city);
  a.postal_code = std::move(*postal);
  a.country = std::move(*country);
  // An empty optional line is the same as none.
  if (a.line2 && a.line2->empty()) a.line2.reset();
  if (a.state && a.state->empty()) a.state.reset();
  return a;
}

std::vector<domain::RequestedLine> ParseItems(json::ObjectReader& parent, const array& items) {
  std::vector<domain::RequestedLine> lines;
  if (items.empty()) parent.AddError("items", "must contain at least one item");
  if (items.size() > domain::kMaxLines) parent.AddError("items", "must contain at most 50 lines");
  for (std::size_t i = 0; i < items.size() && i <= domain::kMaxLines; ++i) {
    const std::string field = "items[" + std::to_string(i) + "]";
    if (!items[i].is_object()) {
      parent.AddTypeError(field, "object");
      continue;
    }
    json::ObjectReader r(items[i].as_object(), field);
    auto product = r.String("product_id", true, 1, kMaxIdLength);
    auto quantity = r.Int("quantity", true, domain::kMinQuantity, domain::kMaxQuantity);
    parent.Absorb(r);
    if (product && quantity) lines.push_back({std::move(*product), *quantity});
  }
  return lines;
}

object AddressJson(const domain::ShippingAddress& a) {
  object o{{"name", a.name}, {"line1", a.line1}};
  if (a.line2) o["line2"] = *a.line2;
  o["city"] = a.city;
  if (a.state) o["state"] = *a.state;
  o["postal_code"] = a.postal_code;
  o["country"] = a.country;
  return o;
}

}  // namespace

Result<app::PlaceOrderCommand> ParsePlaceOrder(const object& body) {
  json::ObjectReader r(body);
  app::PlaceOrderCommand cmd;
  cmd.from_cart = r.Bool("from_cart", false).value_or(false);
  const auto* items = r.Array("items", !cmd.from_cart);
  if (cmd.from_cart && items) r.AddError("items", "give either items or from_cart, not both");
  if (!cmd.from_cart && items) cmd.items = ParseItems(r, *items);
  auto address = ParseAddress(r);
  if (auto done = r.Finish(); !done) return done.error();
  if (!address) return Error::Invalid("shipping_address", "is required");
  cmd.shipping_address = std::move(*address);
  return cmd;
}

Result<std::int64_t> ParseCartQuantity(const object& body) {
  json::ObjectReader r(body);
  auto quantity = r.Int("quantity", true, 0, domain::kMaxQuantity);
  if (auto done = r.Finish(); !done) return done.error();
  return *quantity;
}

object OrderJson(const domain::Order& o) {
  array items;
  for (const auto& l : o.items) {
    items.push_back(object{{"product_id", l.product_id},
                           {"sku", l.sku},
                           {"name", l.name},
                           {"unit_price_cents", l.unit_price_cents},
                           {"quantity", l.quantity}});
  }
  object out{{"id", o.id},
             {"user_id", o.user_id},
             {"status", domain::ToString(o.status)},
             {"items", std::move(items)},
             {"total_cents", o.total_cents},
             {"currency", o.currency},
             {"shipping_address", AddressJson(o.shipping_address)},
             {"created_at", FormatRfc3339(o.created_at)},
             {"updated_at", FormatRfc3339(o.updated_at)}};
  if (o.failure_reason) out["failure_reason"] = *o.failure_reason;
  if (o.failure_detail) out["failure_detail"] = *o.failure_detail;
  if (o.payment_id) out["payment_id"] = *o.payment_id;
  if (o.last_payment_error) out["last_payment_error"] = *o.last_payment_error;
  return out;
}

std::string RenderOrder(const domain::Order& o) { return json::Serialize(OrderJson(o)); }

object OrderPageJson(const app::OrderPage& page) {
  array items;
  for (const auto& o : page.items) items.push_back(OrderJson(o));
  object out{{"items", std::move(items)}};
  if (page.next_cursor) {
    out["next_cursor"] = *page.next_cursor;
  } else {
    out["next_cursor"] = nullptr;
  }
  return out;
}

object CartJson(const app::CartView& cart) {
  array items;
  for (const auto& i : cart.items) {
    items.push_back(object{{"product_id", i.product_id},
                           {"quantity", i.quantity},
                           {"name", i.name},
                           {"unit_price_cents", i.unit_price_cents},
                           {"line_total_cents", i.line_total_cents},
                           {"currency", i.currency}});
  }
  object out{{"items", std::move(items)}};
  if (cart.total_cents) {
    out["total_cents"] = *cart.total_cents;
  } else {
    out["total_cents"] = nullptr;
  }
  if (cart.currency) {
    out["currency"] = *cart.currency;
  } else {
    out["currency"] = nullptr;
  }
  array unavailable;
  for (const auto& id : cart.unavailable) unavailable.push_back(boost::json::string(id));
  out["unavailable"] = std::move(unavailable);
  return out;
}

}  // namespace shop::order::api
