// Every route and error status through Module::Dispatch, with the real Component (wiring), a real
// SQLite database and real Ed25519 tokens: admin vs customer vs anonymous.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <set>

#include "harness.hpp"
#include "shop/auth/signer.hpp"
#include "shop/http/module.hpp"
#include "wiring.hpp"

namespace shop::product {
namespace {

class ProductApiTest : public ::testing::Test {
 protected:
  ProductApiTest()
      : keys_(std::make_shared<auth::KeySet>()),
        signer_(auth::Signer::Generate(h_.clock)),
        module_("product-service", 2),
        ctx_{"product-service", h_.db(), h_.bus, module_, h_.clock, nullptr, h_.dir.path().string(), {}} {
    keys_->Put(signer_.kid(), signer_.public_key());
    ctx_.verifier = std::make_shared<auth::TokenVerifier>(keys_, auth::VerifierOptions{}, h_.clock);
    component_ = std::make_unique<Component>(ctx_, Config{});
    admin_ = "Bearer " + signer_.Sign(auth::Claims::For("admin-1", "admin@example.com", true));
    customer_ = "Bearer " + signer_.Sign(auth::Claims::For("user-1", "user@example.com", false));
  }
  ~ProductApiTest() override {
    component_->Stop();
    module_.Stop();
  }

  http::Response Call(http::Method m, std::string target, std::string body = {}, std::string_view auth = {},
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::Request req;
    req.method = m;
    req.method_name = std::string(http::ToString(m));
    req.SetTarget(std::move(target));
    if (!body.empty()) req.headers.Set("Content-Type", "application/json");
    req.body = std::move(body);
    if (!auth.empty()) req.headers.Set("Authorization", std::string(auth));
    for (auto& [k, v] : headers) req.headers.Set(k, v);
    return shop::testing::RunAwait(module_.Dispatch(req));
  }
  static boost::json::value Body(const http::Response& r) { return boost::json::parse(r.body); }

  std::string Create(std::string sku, std::int64_t price = 1000, std::string category = "misc", std::string name = {}) {
    if (name.empty()) name = "Product " + sku;
    auto r = Call(http::Method::kPost, "/api/v1/products",
                  R"({"sku":")" + sku + R"(","name":")" + name + R"(","price_cents":)" + std::to_string(price) +
                      R"(,"category":")" + category + R"("})",
                  admin_);
    EXPECT_EQ(r.status, 201) << r.body;
    h_.clock.Advance(1);
    return std::string(Body(r).at("id").as_string());
  }

  testing::Harness h_;
  std::shared_ptr<auth::KeySet> keys_;
  auth::Signer signer_;
  http::Module module_;
  runtime::ServiceContext ctx_;
  std::unique_ptr<Component> component_;
  std::string admin_, customer_;
};

using http::Method;

TEST_F(ProductApiTest, CreateReturns201WithTheContractShapeAndLocation) {
  auto r = Call(Method::kPost, "/api/v1/products",
                R"({"sku":"LAMP-1","name":"Desk Lamp","description":"Warm","price_cents":2599,"currency":"eur",
                    "category":"home","unknown_field":true})",
                admin_);
  ASSERT_EQ(r.status, 201) << r.body;
  auto b = Body(r).as_object();
  std::set<std::string> keys;
  for (const auto& kv : b) keys.insert(std::string(kv.key()));
  EXPECT_EQ(keys, (std::set<std::string>{"id", "sku", "name", "description", "price_cents", "currency", "category",
                                         "stock_available", "created_at", "updated_at"}));
  EXPECT_EQ(b.at("currency").as_string(), "EUR");
  EXPECT_EQ(b.at("stock_available").as_int64(), 0);
  EXPECT_EQ(b.at("created_at").as_string(), FormatRfc3339(h_.clock.NowMs()));
  EXPECT_EQ(r.headers.Get("Location").value_or(""), "/api/v1/products/" + std::string(b.at("id").as_string()));
  // The tag on 201 is the one GET returns, so a client can revalidate straight away.
  auto etag = std::string(r.headers.Get("ETag").value_or(""));
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(
      Call(Method::kGet, "/api/v1/products/" + std::string(b.at("id").as_string()), {}, {}, {{"If-None-Match", etag}})
          .status,
      304);
}

TEST_F(ProductApiTest, WritesNeedAnAdmin) {
  auto id = Create("AUTH-1");
  const std::string body = R"({"sku":"X-1","name":"x","price_cents":1,"category":"c"})";
  for (auto [m, target] : std::vector<std::pair<Method, std::string>>{{Method::kPost, "/api/v1/products"},
                                                                      {Method::kPut, "/api/v1/products/" + id},
                                                                      {Method::kPatch, "/api/v1/products/" + id},
                                                                      {Method::kDelete, "/api/v1/products/" + id},
                                                                      {Method::kGet, "/api/v1/inventory/" + id},
                                                                      {Method::kPut, "/api/v1/inventory/" + id}}) {
    SCOPED_TRACE(target);
    auto anon = Call(m, target, body);
    EXPECT_EQ(anon.status, 401);
    EXPECT_TRUE(anon.headers.Get("WWW-Authenticate").has_value());
    EXPECT_EQ(Call(m, target, body, customer_).status, 403);
    EXPECT_EQ(Call(m, target, body, "Bearer not-a-token").status, 401);
  }
  EXPECT_EQ(Call(Method::kGet, "/api/v1/products/" + id).status, 200);
}

TEST_F(ProductApiTest, ValidationErrorsAre422WithFieldsAndWrongTypesAre400) {
  auto r = Call(Method::kPost, "/api/v1/products",
                R"({"sku":"bad sku","name":"","price_cents":0,"currency":"XXX","category":""})", admin_);
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.headers.Get("Content-Type").value_or(""), "application/problem+json");
  std::set<std::string> fields;
  const auto problem = Body(r);
  for (const auto& e : problem.at("errors").as_array()) fields.insert(std::string(e.at("field").as_string()));
  EXPECT_EQ(fields, (std::set<std::string>{"sku", "name", "price_cents", "currency", "category"}));
  EXPECT_EQ(Call(Method::kPost, "/api/v1/products", R"({"name":"x","price_cents":1,"category":"c"})", admin_).status,
            422);  // sku missing
  EXPECT_EQ(
      Call(Method::kPost, "/api/v1/products", R"({"sku":"A","name":"x","price_cents":"12","category":"c"})", admin_)
          .status,
      400);
  EXPECT_EQ(Call(Method::kPost, "/api/v1/products", "{not json", admin_).status, 400);
  EXPECT_EQ(Call(Method::kPost, "/api/v1/products",
                 R"({"sku":"A","name":"x","price_cents":100000000001,"category":"c"})", admin_)
                .status,
            422);
}

TEST_F(ProductApiTest, DuplicateSkuIs409) {
  Create("DUP-1");
  auto r =
      Call(Method::kPost, "/api/v1/products", R"({"sku":"DUP-1","name":"x","price_cents":5,"category":"c"})", admin_);
  EXPECT_EQ(r.status, 409) << r.body;
}

TEST_F(ProductApiTest, GetHasStrongEtagAndCacheControlAndAnswers304) {
  auto id = Create("ETAG-1");
  auto r = Call(Method::kGet, "/api/v1/products/" + id);
  ASSERT_EQ(r.status, 200);
  auto etag = std::string(r.headers.Get("ETag").value_or(""));
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(etag.front(), '"');
  EXPECT_NE(etag.substr(0, 2), "W/");
  EXPECT_EQ(r.headers.Get("Cache-Control").value_or(""), "public, max-age=30");
  auto again = Call(Method::kGet, "/api/v1/products/" + id, {}, {}, {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.headers.Get("ETag").value_or(""), etag);
  EXPECT_EQ(Call(Method::kGet, "/api/v1/products/" + id, {}, {}, {{"If-None-Match", "\"other\", " + etag}}).status,
            304);
  EXPECT_EQ(Call(Method::kGet, "/api/v1/products/" + id, {}, {}, {{"If-None-Match", "\"other\""}}).status, 200);
  // A change (price, or stock) changes the tag.
  ASSERT_EQ(Call(Method::kPut, "/api/v1/inventory/" + id, R"({"on_hand":3})", admin_).status, 200);
  auto changed = Call(Method::kGet, "/api/v1/products/" + id, {}, {}, {{"If-None-Match", etag}});
  EXPECT_EQ(changed.status, 200);
  EXPECT_NE(changed.headers.Get("ETag").value_or(""), etag);
  EXPECT_EQ(Body(changed).at("stock_available").as_int64(), 3);
}

TEST_F(ProductApiTest, PutReplacesPatchUpdatesAndUnknownIs404) {
  auto id = Create("UPD-1", 1000, "misc");
  auto put = Call(Method::kPut, "/api/v1/products/" + id,
                  R"({"sku":"UPD-2","name":"Renamed","price_cents":777,"category":"books"})", admin_);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(Body(put).at("sku").as_string(), "UPD-2");
  auto patch = Call(Method::kPatch, "/api/v1/products/" + id, R"({"price_cents":555})", admin_);
  ASSERT_EQ(patch.status, 200) << patch.body;
  EXPECT_EQ(Body(patch).at("price_cents").as_int64(), 555);
  EXPECT_EQ(Body(patch).at("name").as_string(), "Renamed");
  EXPECT_EQ(Call(Method::kPatch, "/api/v1/products/" + id, R"({"currency":"ABC"})", admin_).status, 422);
  EXPECT_EQ(Call(Method::kPatch, "/api/v1/products/nope", R"({"price_cents":1})", admin_).status, 404);
  EXPECT_EQ(
      Call(Method::kPut, "/api/v1/products/nope", R"({"sku":"Z","name":"Z","price_cents":1,"category":"c"})", admin_)
          .status,
      404);
  EXPECT_EQ(Call(Method::kGet, "/api/v1/products/nope").status, 404);
}

TEST_F(ProductApiTest, DeleteIs204ThenTheProductIs404AndGoneFromLists) {
  auto id = Create("DEL-1", 1000, "gone");
  Create("DEL-2", 1000, "kept");
  auto del = Call(Method::kDelete, "/api/v1/products/" + id, {}, admin_);
  EXPECT_EQ(del.status, 204);
  EXPECT_EQ(Call(Method::kGet, "/api/v1/products/" + id).status, 404);
  EXPECT_EQ(Call(Method::kDelete, "/api/v1/products/" + id, {}, admin_).status, 404);
  EXPECT_EQ(Call(Method::kGet, "/api/v1/inventory/" + id, {}, admin_).status, 404);
  auto list = Body(Call(Method::kGet, "/api/v1/products"));
  ASSERT_EQ(list.at("items").as_array().size(), 1u);
  EXPECT_EQ(list.at("items").as_array()[0].at("sku").as_string(), "DEL-2");
  auto cats = Body(Call(Method::kGet, "/api/v1/categories"));
  ASSERT_EQ(cats.at("items").as_array().size(), 1u);
  EXPECT_EQ(cats.at("items").as_array()[0].at("name").as_string(), "kept");
}

TEST_F(ProductApiTest, ListPagesWithCursorAndCapsLimit) {
  for (int i = 0; i < 105; ++i) Create("L-" + std::to_string(i), 100 + i);
  auto big = Call(Method::kGet, "/api/v1/products?limit=500");
  ASSERT_EQ(big.status, 200);
  EXPECT_EQ(big.headers.Get("Cache-Control").value_or(""), "public, max-age=30");
  EXPECT_EQ(Body(big).at("items").as_array().size(), 100u);
  EXPECT_EQ(Body(Call(Method::kGet, "/api/v1/products")).at("items").as_array().size(), 20u);
  std::set<std::string> seen;
  std::string target = "/api/v1/products?sort=price&limit=40";
  std::int64_t last_price = 0;
  for (int pages = 0; pages < 10; ++pages) {
    auto r = Call(Method::kGet, target);
    ASSERT_EQ(r.status, 200) << r.body;
    auto b = Body(r);
    for (const auto& item : b.at("items").as_array()) {
      EXPECT_TRUE(seen.insert(std::string(item.at("id").as_string())).second);
      EXPECT_GE(item.at("price_cents").as_int64(), last_price);
      last_price = item.at("price_cents").as_int64();
    }
    if (b.at("next_cursor").is_null()) break;
    target = "/api/v1/products?sort=price&limit=40&cursor=" + std::string(b.at("next_cursor").as_string());
  }
  EXPECT_EQ(seen.size(), 105u);
}

TEST_F(ProductApiTest, BadListParametersAre400) {
  Create("Q-1");
  const std::vector<std::string> bad = {"limit=0",
                                        "limit=-1",
                                        "limit=abc",
                                        "limit=1.5",
                                        "sort=cheapest",
                                        "min_price=-3",
                                        "max_price=x",
                                        "q=" + std::string(201, 'a'),
                                        "cursor=forged-cursor",
                                        "cursor=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"};
  for (const auto& q : bad) {
    SCOPED_TRACE(q);
    auto r = Call(Method::kGet, "/api/v1/products?" + q);
    EXPECT_EQ(r.status, 400) << r.body;
  }
}

TEST_F(ProductApiTest, TamperedCursorIs400) {
  for (int i = 0; i < 3; ++i) Create("T-" + std::to_string(i));
  auto b = Body(Call(Method::kGet, "/api/v1/products?limit=1"));
  std::string cursor(b.at("next_cursor").as_string());
  ASSERT_EQ(Call(Method::kGet, "/api/v1/products?limit=1&cursor=" + cursor).status, 200);
  cursor[2] = cursor[2] == 'x' ? 'y' : 'x';
  EXPECT_EQ(Call(Method::kGet, "/api/v1/products?limit=1&cursor=" + cursor).status, 400);
}

TEST_F(ProductApiTest, SearchAndFiltersThroughTheQueryString) {
  Create("MUG-1", 500, "kitchen", "Coffee Mug");
  Create("MUG-2", 1500, "kitchen", "Travel Mug");
  Create("LAMP-1", 900, "home", "Desk Lamp");
  auto ids = [&](std::string qs) {
    auto r = Call(Method::kGet, "/api/v1/products?" + qs);
    EXPECT_EQ(r.status, 200) << r.body;
    std::set<std::string> skus;
    const auto body = Body(r);
    for (const auto& item : body.at("items").as_array()) skus.insert(std::string(item.at("sku").as_string()));
    return skus;
  };
  using Skus = std::set<std::string>;
  EXPECT_EQ(ids("q=MUG"), (Skus{"MUG-1", "MUG-2"}));
  EXPECT_EQ(ids("q=coffee%20mug"), (Skus{"MUG-1"}));
  EXPECT_EQ(ids("q=mug&max_price=500"), (Skus{"MUG-1"}));
  EXPECT_EQ(ids("category=home"), (Skus{"LAMP-1"}));
  EXPECT_EQ(ids("category=Home"), (Skus{}));
  EXPECT_EQ(ids("min_price=900&max_price=1500"), (Skus{"MUG-2", "LAMP-1"}));
  EXPECT_EQ(ids("q=%20"), (Skus{"MUG-1", "MUG-2", "LAMP-1"}));
}

TEST_F(ProductApiTest, CategoriesListCountsAndIsCacheable) {
  Create("C-1", 100, "books");
  Create("C-2", 100, "books");
  Create("C-3", 100, "toys");
  auto r = Call(Method::kGet, "/api/v1/categories");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.Get("Cache-Control").value_or(""), "public, max-age=30");
  EXPECT_EQ(r.body, R"({"items":[{"name":"books","product_count":2},{"name":"toys","product_count":1}]})");
}

TEST_F(ProductApiTest, InventoryGetAndPutWithConflictBelowReserved) {
  auto id = Create("INV-1");
  auto g = Call(Method::kGet, "/api/v1/inventory/" + id, {}, admin_);
  ASSERT_EQ(g.status, 200);
  EXPECT_EQ(g.body, R"({"product_id":")" + id + R"(","on_hand":0,"reserved":0,"available":0})");
  auto p = Call(Method::kPut, "/api/v1/inventory/" + id, R"({"on_hand":10})", admin_);
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(Body(p).at("available").as_int64(), 10);
  ASSERT_TRUE(h_.inventory.Reserve("order-1", {{id, 4}})->reserved);
  EXPECT_EQ(Call(Method::kPut, "/api/v1/inventory/" + id, R"({"on_hand":3})", admin_).status, 409);
  EXPECT_EQ(Call(Method::kPut, "/api/v1/inventory/" + id, R"({"on_hand":-1})", admin_).status, 422);
  EXPECT_EQ(Call(Method::kPut, "/api/v1/inventory/" + id, R"({"on_hand":"5"})", admin_).status, 400);
  EXPECT_EQ(Call(Method::kPut, "/api/v1/inventory/" + id, R"({})", admin_).status, 422);
  EXPECT_EQ(Call(Method::kPut, "/api/v1/inventory/nope", R"({"on_hand":1})", admin_).status, 404);
  auto after = Body(Call(Method::kGet, "/api/v1/inventory/" + id, {}, admin_));
  EXPECT_EQ(after.at("on_hand").as_int64(), 10);
  EXPECT_EQ(after.at("reserved").as_int64(), 4);
  EXPECT_EQ(after.at("available").as_int64(), 6);
  EXPECT_EQ(Body(Call(Method::kGet, "/api/v1/products/" + id)).at("stock_available").as_int64(), 6);
}

TEST_F(ProductApiTest, ComponentConsumesOrderEventsFromTheBus) {
  auto id = Create("BUS-1");
  ASSERT_EQ(Call(Method::kPut, "/api/v1/inventory/" + id, R"({"on_hand":2})", admin_).status, 200);
  ASSERT_TRUE(h_.bus.Publish(testing::OrderCreated("order-9", {{id, 2}})));
  EXPECT_EQ(Body(Call(Method::kGet, "/api/v1/inventory/" + id, {}, admin_)).at("reserved").as_int64(), 2);
  ASSERT_TRUE(h_.bus.Publish(testing::OrderEvent("OrderCancelled", "order-9")));
  EXPECT_EQ(Body(Call(Method::kGet, "/api/v1/inventory/" + id, {}, admin_)).at("reserved").as_int64(), 0);
}

}  // namespace
}  // namespace shop::product
