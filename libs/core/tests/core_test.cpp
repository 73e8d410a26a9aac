#include <gtest/gtest.h>

#include <set>

#include "shop/core/cursor.hpp"
#include "shop/core/error.hpp"
#include "shop/core/ids.hpp"
#include "shop/core/strings.hpp"
#include "shop/core/time.hpp"

namespace shop {
namespace {

TEST(IdsTest, NewIdIsAVersion7UuidAndSortsInCreationOrder) {
  std::vector<std::string> ids;
  for (int i = 0; i < 2000; ++i) ids.push_back(NewId());
  for (const auto& id : ids) {
    ASSERT_TRUE(IsUuid(id)) << id;
    EXPECT_EQ(id[14], '7') << id;
    EXPECT_TRUE(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b') << id;
  }
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
}

TEST(IdsTest, IsUuidRejectsMalformedIds) {
  EXPECT_FALSE(IsUuid(""));
  EXPECT_FALSE(IsUuid("01936b8e-4f2a-7c3d-9e1f-0a1b2c3d4e5"));
  EXPECT_FALSE(IsUuid("01936b8e-4f2a-7c3d-9e1f-0a1b2c3d4e5g"));
  EXPECT_FALSE(IsUuid("01936b8e4f2a-7c3d-9e1f-0a1b2c3d4e5ff"));
}

TEST(IdsTest, RandomTokenHas256BitsBase64Url) {
  const auto t = RandomToken();
  EXPECT_EQ(t.size(), 43u);
  EXPECT_EQ(Base64UrlDecode(t)->size(), 32u);
  EXPECT_NE(t, RandomToken());
}

TEST(TimeTest, FormatsAndParsesRfc3339WithMilliseconds) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00.000Z");
  const UnixMillis t = 1'795'000'123'456;
  const auto s = FormatRfc3339(t);
  EXPECT_EQ(s, "2026-11-18T11:08:43.456Z");
  EXPECT_EQ(ParseRfc3339(s), t);
  EXPECT_EQ(ParseRfc3339("2026-11-18T11:08:43Z"), t - 456);
  EXPECT_FALSE(ParseRfc3339("2026-13-18T10:28:43Z"));
  EXPECT_FALSE(ParseRfc3339("yesterday"));
  EXPECT_FALSE(ParseRfc3339("2026-11-18T10:28:43+01:00"));
}

TEST(StringsTest, ParseIntIsStrict) {
  EXPECT_EQ(ParseInt("42"), 42);
  EXPECT_EQ(ParseInt("-7"), -7);
  EXPECT_FALSE(ParseInt(""));
  EXPECT_FALSE(ParseInt("4 2"));
  EXPECT_FALSE(ParseInt("12abc"));
  EXPECT_FALSE(ParseInt("99999999999999999999"));
}

TEST(StringsTest, UrlDecodeHandlesPercentAndPlusAndRejectsTruncatedEscapes) {
  EXPECT_EQ(UrlDecode("a%20b+c"), "a b c");
  EXPECT_EQ(UrlDecode("%41%42"), "AB");
  EXPECT_FALSE(UrlDecode("%4"));
  EXPECT_FALSE(UrlDecode("%"));
  EXPECT_FALSE(UrlDecode("%zz"));
}

TEST(StringsTest, CaseInsensitiveHelpers) {
  EXPECT_TRUE(IEquals("Content-Type", "content-type"));
  EXPECT_FALSE(IEquals("Content-Type", "content-typ"));
  EXPECT_EQ(ToLower("MiXeD"), "mixed");
  EXPECT_EQ(Trim("  x y \t"), "x y");
  EXPECT_EQ(Split("a,b,,c", ',').size(), 4u);
}

TEST(CursorTest, SealedCursorOpensToItsPayload) {
  cursor::SetKey("test-secret");
  const auto c = cursor::Seal("1999|0193-id");
  EXPECT_EQ(cursor::Open(c), "1999|0193-id");
}

TEST(CursorTest, TamperedOrForeignCursorDoesNotOpen) {
  cursor::SetKey("test-secret");
  auto c = cursor::Seal("1999|0193-id");
  auto raw = *Base64UrlDecode(c);
  raw[0] = '2';  // change the payload, keep the tag
  EXPECT_FALSE(cursor::Open(Base64UrlEncode(raw)));
  EXPECT_FALSE(cursor::Open("not-a-cursor"));
  EXPECT_FALSE(cursor::Open(""));
  cursor::SetKey("another-secret");
  EXPECT_FALSE(cursor::Open(c));
}

TEST(ErrorTest, InvalidJoinsFieldMessages) {
  const auto e = Error::Invalid({{"email", "is required"}, {"name", "is too long"}});
  EXPECT_EQ(e.code, Errc::kInvalid);
  EXPECT_EQ(e.fields.size(), 2u);
  EXPECT_NE(e.detail.find("email: is required"), std::string::npos);
}

TEST(ErrorTest, ResultValueThrowsTheError) {
  Result<int> r = Error::NotFound("no such thing");
  EXPECT_THROW(
      {
        try {
          (void)r.value();
        } catch (const ErrorException& ex) {
          EXPECT_EQ(ex.error().code, Errc::kNotFound);
          throw;
        }
      },
      ErrorException);
}

}  // namespace
}  // namespace shop
