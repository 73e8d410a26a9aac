#include "shop/json/json.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace shop::json {
namespace {

boost::json::object Obj(std::string_view text) { return boost::json::parse(text).as_object(); }

http::Request WithBody(std::string body, std::optional<std::string> content_type) {
  http::Request r;
  r.method = http::Method::kPost;
  r.body = std::move(body);
  if (content_type) r.headers.Add("Content-Type", *content_type);
  return r;
}

TEST(ParseObjectTest, AcceptsAnObject) {
  auto r = ParseObject(R"({"a": 1})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->at("a").as_int64(), 1);
}

TEST(ParseObjectTest, RejectsMalformedNonObjectAndEmpty) {
  for (std::string_view bad : {"{", "[1,2]", "42", "\"s\"", "", "   ", "{\"a\":1} trailing"}) {
    SCOPED_TRACE(std::string(bad));
    auto r = ParseObject(bad);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::kBadRequest);
  }
}

TEST(ParseObjectTest, EmptyBodyIsEmptyObjectWhenAllowed) {
  auto r = ParseObject("  \n", true);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->empty());
}

TEST(ParseBodyTest, RequiresJsonContentTypeForABody) {
  auto none = ParseBody(WithBody("{}", std::nullopt));
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, Errc::kUnsupportedMedia);
  auto text = ParseBody(WithBody("{}", "text/plain"));
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, Errc::kUnsupportedMedia);
  EXPECT_TRUE(ParseBody(WithBody("{}", "application/json; charset=utf-8")));
  EXPECT_TRUE(ParseBody(WithBody("{}", "Application/JSON")));
  EXPECT_TRUE(ParseBody(WithBody("{}", "application/merge-patch+json")));
}

TEST(ParseBodyTest, BodylessActionRequestIsFineWhenAllowed) {
  auto ok = ParseBody(WithBody("", std::nullopt), true);
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->empty());
  auto required = ParseBody(WithBody("", std::nullopt), false);
  ASSERT_FALSE(required);
  EXPECT_EQ(required.error().code, Errc::kBadRequest);
  auto bad = ParseBody(WithBody("{oops", "application/json"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::kBadRequest);
}

TEST(ObjectReaderTest, ReadsValidFields) {
  auto o = Obj(R"({"name": "  Lamp ", "qty": 3, "active": true, "tags": [], "dims": {}})");
  ObjectReader r(o);
  EXPECT_EQ(r.String("name", true, 1, 10), "Lamp");
  EXPECT_EQ(r.String("name", true, 1, 10, false), "  Lamp ");
  EXPECT_EQ(r.Int("qty", true, 1, 10), 3);
  EXPECT_EQ(r.Bool("active", true), true);
  EXPECT_NE(r.Array("tags", true), nullptr);
  EXPECT_NE(r.Object("dims", true), nullptr);
  EXPECT_FALSE(r.String("missing", false, 0, 5));
  EXPECT_TRUE(r.Has("qty"));
  EXPECT_FALSE(r.Has("missing"));
  EXPECT_TRUE(r.Finish());
}

TEST(ObjectReaderTest, WrongTypesAre400NamingTheFields) {
  auto o = Obj(R"({"name": 5, "qty": "3", "active": "yes", "price": 1.5})");
  ObjectReader r(o);
  r.String("name", true, 1, 10);
  r.Int("qty", true, 1, 10);
  r.Bool("active", true);
  r.Int("price", true, 0, 100);
  auto f = r.Finish();
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, Errc::kBadRequest);
  ASSERT_EQ(f.error().fields.size(), 4u);
  EXPECT_EQ(f.error().fields[0].field, "name");
  EXPECT_EQ(f.error().fields[0].message, "must be a string");
  EXPECT_EQ(f.error().fields[1].field, "qty");
  EXPECT_EQ(f.error().fields[1].message, "must be an integer");
  EXPECT_EQ(f.error().fields[3].field, "price");
}

TEST(ObjectReaderTest, MissingAndOutOfRangeAre422NamingTheFields) {
  auto o = Obj(R"({"name": "   ", "qty": 0, "big": 18446744073709551615, "note": null})");
  ObjectReader r(o);
  r.String("name", true, 1, 10);
  r.Int("qty", true, 1, 10);
  r.Int("big", true, 0, 100);
  r.String("email", true, 3, 100);
  r.String("note", true, 0, 100);  // null counts as missing
  auto f = r.Finish();
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, Errc::kInvalid);
  ASSERT_EQ(f.error().fields.size(), 5u);
  EXPECT_EQ(f.error().fields[0].field, "name");
  EXPECT_EQ(f.error().fields[0].message, "must not be empty");
  EXPECT_EQ(f.error().fields[1].field, "qty");
  EXPECT_EQ(f.error().fields[1].message, "must be between 1 and 10");
  EXPECT_EQ(f.error().fields[2].field, "big");
  EXPECT_EQ(f.error().fields[3].field, "email");
  EXPECT_EQ(f.error().fields[3].message, "is required");
  EXPECT_EQ(f.error().fields[4].field, "note");
}

TEST(ObjectReaderTest, TypeErrorWinsOverFieldErrors) {
  auto o = Obj(R"({"a": "x", "b": 99})");
  ObjectReader r(o);
  r.Int("a", true, 0, 1);
  r.Int("b", true, 0, 1);
  auto f = r.Finish();
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, Errc::kBadRequest);
}

TEST(ObjectReaderTest, StringLengthCountsCodePoints) {
  auto o = Obj(R"({"city": "Zürich", "emoji": "😀😀😀", "long": "ééééé"})");
  ObjectReader r(o);
  EXPECT_EQ(r.String("city", true, 6, 6), "Zürich");  // 7 bytes, 6 code points
  EXPECT_EQ(r.String("emoji", true, 3, 3), "😀😀😀");
  EXPECT_FALSE(r.String("long", true, 1, 4));
  auto f = r.Finish();
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, Errc::kInvalid);
  ASSERT_EQ(f.error().fields.size(), 1u);
  EXPECT_EQ(f.error().fields[0].field, "long");
  EXPECT_EQ(f.error().fields[0].message, "must be at most 4 characters");
}

TEST(ObjectReaderTest, InvalidUtf8IsAFieldError) {
  boost::json::object o;
  o["name"] = boost::json::string("ab\xff\xfe");  // built directly: the parser would refuse it
  o["surrogate"] = boost::json::string("\xed\xa0\x80");
  ObjectReader r(o);
  EXPECT_FALSE(r.String("name", true, 1, 10));
  EXPECT_FALSE(r.String("surrogate", true, 1, 10));
  auto f = r.Finish();
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, Errc::kInvalid);
  ASSERT_EQ(f.error().fields.size(), 2u);
  EXPECT_EQ(f.error().fields[0].field, "name");
  EXPECT_EQ(f.error().fields[0].message, "must be valid UTF-8");
}

TEST(ObjectReaderTest, NestedReadersPrefixFieldNames) {
  auto o = Obj(R"({"items": [{"product_id": "p1", "quantity": 1}, {"product_id": 7, "quantity": 0}],
                   "address": {"city": ""}})");
  ObjectReader r(o);
  const auto* items = r.Array("items", true);
  ASSERT_NE(items, nullptr);
  for (std::size_t i = 0; i < items->size(); ++i) {
    ObjectReader item((*items)[i].as_object(), r.FieldName("items") + "[" + std::to_string(i) + "]");
    item.String("product_id", true, 1, 64);
    item.Int("quantity", true, 1, 100);
    r.Absorb(item);
  }
  ObjectReader address(*r.Object("address", true), "address");
  address.String("city", true, 1, 50);
  r.Absorb(address);
  auto f = r.Finish();
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, Errc::kBadRequest);  // items[1].product_id has the wrong type
  ASSERT_EQ(f.error().fields.size(), 3u);
  EXPECT_EQ(f.error().fields[0].field, "items[1].product_id");
  EXPECT_EQ(f.error().fields[1].field, "items[1].quantity");
  EXPECT_EQ(f.error().fields[2].field, "address.city");
}

TEST(ObjectReaderTest, AddErrorUsesThePrefix) {
  boost::json::object o;
  ObjectReader r(o, "shipping");
  r.AddError("zip", "does not match the country");
  auto f = r.Finish();
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().fields[0].field, "shipping.zip");
  EXPECT_NE(f.error().detail.find("shipping.zip"), std::string::npos);
}

TEST(ReplyTest, SerializesWithJsonContentType) {
  auto resp = Reply(201, boost::json::object{{"id", "x"}, {"n", 1}});
  EXPECT_EQ(resp.status, 201);
  EXPECT_EQ(resp.headers.Get("Content-Type"), "application/json");
  EXPECT_EQ(resp.body, R"({"id":"x","n":1})");
  EXPECT_EQ(Serialize(boost::json::value(nullptr)), "null");
}

}  // namespace
}  // namespace shop::json
