#include <gtest/gtest.h>

#include "api/api_test_util.hpp"

namespace shop::order::testing {
namespace {

using http::Method;

class CartRoutesTest : public ::testing::Test {
 protected:
  http::Response Put(const app::Actor& who, const std::string& product, std::string body) {
    return h.Send({Method::kPut, "/api/v1/cart/items/" + product, std::move(body), h.Token(who)});
  }
  http::Response Get(const app::Actor& who) { return h.Send({Method::kGet, "/api/v1/cart", {}, h.Token(who)}); }
  ApiHarness h;
};

TEST_F(CartRoutesTest, PutThenGetShowsCatalogDataAndTotals) {
  auto put = Put(kAlice, kWidget.id, R"({"quantity":3})");
  ASSERT_EQ(put.status, 200) << put.body;
  auto cart = JsonOf(Get(kAlice));
  const auto& item = cart.at("items").as_array().at(0).as_object();
  EXPECT_EQ(item.at("product_id").as_string(), kWidget.id);
  EXPECT_EQ(item.at("quantity").as_int64(), 3);
  EXPECT_EQ(item.at("name").as_string(), "Widget");
  EXPECT_EQ(item.at("unit_price_cents").as_int64(), 1999);
  EXPECT_EQ(item.at("line_total_cents").as_int64(), 5997);
  EXPECT_EQ(cart.at("total_cents").as_int64(), 5997);
  EXPECT_EQ(cart.at("currency").as_string(), "USD");
}

TEST_F(CartRoutesTest, AnEmptyCartHasZeroTotal) {
  auto r = Get(kAlice);
  ASSERT_EQ(r.status, 200);
  auto cart = JsonOf(r);
  EXPECT_TRUE(cart.at("items").as_array().empty());
  EXPECT_EQ(cart.at("total_cents").as_int64(), 0);
}

TEST_F(CartRoutesTest, QuantityZeroRemovesAndDeleteIs204) {
  ASSERT_EQ(Put(kAlice, kWidget.id, R"({"quantity":1})").status, 200);
  ASSERT_EQ(Put(kAlice, kGadget.id, R"({"quantity":1})").status, 200);
  ASSERT_EQ(Put(kAlice, kWidget.id, R"({"quantity":0})").status, 200);
  auto del = h.Send({Method::kDelete, "/api/v1/cart/items/" + kGadget.id, {}, h.Token(kAlice)});
  EXPECT_EQ(del.status, 204);
  EXPECT_TRUE(JsonOf(Get(kAlice)).at("items").as_array().empty());
  auto again = h.Send({Method::kDelete, "/api/v1/cart/items/" + kGadget.id, {}, h.Token(kAlice)});
  EXPECT_EQ(again.status, 204);
}

TEST_F(CartRoutesTest, InvalidQuantitiesAndUnknownProductsAre422WrongTypes400) {
  EXPECT_EQ(Put(kAlice, kWidget.id, R"({"quantity":101})").status, 422);
  EXPECT_EQ(Put(kAlice, kWidget.id, R"({"quantity":-1})").status, 422);
  EXPECT_EQ(Put(kAlice, kWidget.id, R"({})").status, 422);
  EXPECT_EQ(Put(kAlice, "p-missing", R"({"quantity":1})").status, 422);
  EXPECT_EQ(Put(kAlice, kWidget.id, R"({"quantity":"1"})").status, 400);
}

TEST_F(CartRoutesTest, EveryCartRouteNeedsAToken) {
  EXPECT_EQ(h.Send({Method::kGet, "/api/v1/cart"}).status, 401);
  EXPECT_EQ(h.Send({Method::kPut, "/api/v1/cart/items/p-widget", R"({"quantity":1})"}).status, 401);
  EXPECT_EQ(h.Send({Method::kDelete, "/api/v1/cart/items/p-widget"}).status, 401);
}

TEST_F(CartRoutesTest, CatalogDownIs503) {
  ASSERT_EQ(Put(kAlice, kWidget.id, R"({"quantity":1})").status, 200);
  h.catalog.SetDown(true);
  EXPECT_EQ(Get(kAlice).status, 503);
}

TEST_F(CartRoutesTest, OrderingFromTheCartEmptiesIt) {
  ASSERT_EQ(Put(kAlice, kWidget.id, R"({"quantity":2})").status, 200);
  auto placed = h.Send({Method::kPost, "/api/v1/orders",
                        R"({"from_cart":true,"shipping_address":{"name":"A","line1":"L","city":"C",)"
                        R"("postal_code":"1","country":"US"}})",
                        h.Token(kAlice)});
  ASSERT_EQ(placed.status, 201) << placed.body;
  EXPECT_EQ(JsonOf(placed).at("total_cents").as_int64(), 3998);
  EXPECT_TRUE(JsonOf(Get(kAlice)).at("items").as_array().empty());
}

}  // namespace
}  // namespace shop::order::testing
