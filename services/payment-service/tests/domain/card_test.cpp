#include "domain/card.hpp"

#include <gtest/gtest.h>

namespace shop::payment::domain {
namespace {

// 2026-11-24T00:00:00Z
constexpr UnixMillis kNov24 = 1'795'478'400'000;

CardInput Input(std::string number, std::int64_t month = 12, std::int64_t year = 2030, std::string cvc = "123") {
  return {std::move(number), month, year, std::move(cvc)};
}

bool HasField(const Error& e, std::string_view field) {
  for (const auto& f : e.fields) {
    if (f.field == field) return true;
  }
  return false;
}

TEST(LuhnTest, AcceptsKnownTestNumbers) {
  EXPECT_TRUE(LuhnValid("4242424242424242"));
  EXPECT_TRUE(LuhnValid("4000000000000002"));
  EXPECT_TRUE(LuhnValid("4000000000009995"));
  EXPECT_TRUE(LuhnValid("378282246310005"));
  EXPECT_TRUE(LuhnValid("6011111111111117"));
}

TEST(LuhnTest, RejectsAChangedDigit) {
  EXPECT_FALSE(LuhnValid("4242424242424241"));
  EXPECT_FALSE(LuhnValid("4000000000000003"));
}

TEST(LuhnTest, RejectsEmptyAndNonDigits) {
  EXPECT_FALSE(LuhnValid(""));
  EXPECT_FALSE(LuhnValid("42424242424242a2"));
}

TEST(CardNumberTest, NormalizeStripsSpacesAndDashesOnly) {
  EXPECT_EQ(NormalizeCardNumber("4242 4242-4242 4242"), std::optional<std::string>("4242424242424242"));
  EXPECT_EQ(NormalizeCardNumber("4242.4242"), std::nullopt);
  EXPECT_EQ(NormalizeCardNumber("４２"), std::nullopt);
}

TEST(BrandTest, DetectsEachBrandByItsRange) {
  EXPECT_EQ(DetectBrand("4242424242424242"), CardBrand::kVisa);
  EXPECT_EQ(DetectBrand("5555555555554444"), CardBrand::kMastercard);
  EXPECT_EQ(DetectBrand("2223003122003222"), CardBrand::kMastercard);
  EXPECT_EQ(DetectBrand("2720990000000007"), CardBrand::kMastercard);
  EXPECT_EQ(DetectBrand("378282246310005"), CardBrand::kAmex);
  EXPECT_EQ(DetectBrand("340000000000009"), CardBrand::kAmex);
  EXPECT_EQ(DetectBrand("6011111111111117"), CardBrand::kDiscover);
  EXPECT_EQ(DetectBrand("6500000000000002"), CardBrand::kDiscover);
  EXPECT_EQ(DetectBrand("6440000000000005"), CardBrand::kDiscover);
  EXPECT_EQ(DetectBrand("6221260000000000"), CardBrand::kDiscover);
}

TEST(BrandTest, UnknownOutsideTheRanges) {
  EXPECT_EQ(DetectBrand("2721000000000000"), CardBrand::kUnknown);
  EXPECT_EQ(DetectBrand("5600000000000000"), CardBrand::kUnknown);
  EXPECT_EQ(DetectBrand("3530111333300000"), CardBrand::kUnknown);  // JCB is not detected
  EXPECT_EQ(DetectBrand("6221250000000000"), CardBrand::kUnknown);
}

TEST(BrandTest, NamesRoundTrip) {
  for (auto b : {CardBrand::kVisa, CardBrand::kMastercard, CardBrand::kAmex, CardBrand::kDiscover,
                 CardBrand::kUnknown}) {
    EXPECT_EQ(ParseBrand(ToString(b)), b);
  }
  EXPECT_EQ(ParseBrand("VISA"), std::nullopt);
}

TEST(ExpiryTest, ValidThroughTheLastMillisecondOfTheMonth) {
  const UnixMillis dec1 = 1'796'083'200'000;  // 2026-12-01T00:00:00Z
  EXPECT_FALSE(IsExpired(11, 2026, kNov24));
  EXPECT_FALSE(IsExpired(11, 2026, dec1 - 1));
  EXPECT_TRUE(IsExpired(11, 2026, dec1));
  EXPECT_TRUE(IsExpired(10, 2026, kNov24));
}

TEST(ExpiryTest, DecemberRollsIntoTheNextYear) {
  const UnixMillis jan1_2027 = 1'798'761'600'000;
  EXPECT_FALSE(IsExpired(12, 2026, jan1_2027 - 1));
  EXPECT_TRUE(IsExpired(12, 2026, jan1_2027));
}

TEST(ExpiryTest, TwoDigitYearMeansThisCentury) {
  EXPECT_FALSE(IsExpired(1, 30, kNov24));
  EXPECT_TRUE(IsExpired(1, 26, kNov24));
}

TEST(ValidateCardTest, AcceptsAValidCardAndSummarisesIt) {
  auto card = ValidateCard(Input("4242 4242 4242 4242"), kNov24);
  ASSERT_TRUE(card);
  EXPECT_EQ(card->number(), "4242424242424242");
  EXPECT_EQ(card->Summary().brand, CardBrand::kVisa);
  EXPECT_EQ(card->Summary().last4, "4242");
  EXPECT_EQ(card->exp_year(), 2030);
}

TEST(ValidateCardTest, LuhnFailureIsInvalidCardNumber) {
  auto card = ValidateCard(Input("4242424242424241"), kNov24);
  ASSERT_FALSE(card);
  EXPECT_EQ(card.error().code, Errc::kInvalid);
  EXPECT_TRUE(HasField(card.error(), "payment_method.card_number"));
}

TEST(ValidateCardTest, LengthMustBeTwelveToNineteenDigits) {
  EXPECT_FALSE(ValidateCard(Input("42424242426"), kNov24));           // 11 digits
  EXPECT_FALSE(ValidateCard(Input("42424242424242424242"), kNov24));  // 20 digits
  EXPECT_TRUE(ValidateCard(Input("424242424242"), kNov24));         // 12 digits, Luhn-valid
  EXPECT_TRUE(ValidateCard(Input("4242424242424242428"), kNov24));  // 19 digits, Luhn-valid
  auto eleven = ValidateCard(Input("42424242426"), kNov24);
  ASSERT_FALSE(eleven);
  EXPECT_EQ(eleven.error().fields.at(0).message, "must have 12 to 19 digits");
}

TEST(ValidateCardTest, LettersInTheNumberAreInvalid) {
  auto card = ValidateCard(Input("4242x42424242424"), kNov24);
  ASSERT_FALSE(card);
  EXPECT_TRUE(HasField(card.error(), "payment_method.card_number"));
}

TEST(ValidateCardTest, MonthOutOfRangeIsInvalid) {
  for (std::int64_t m : {0, 13, -1}) {
    auto card = ValidateCard(Input("4242424242424242", m), kNov24);
    ASSERT_FALSE(card) << m;
    EXPECT_TRUE(HasField(card.error(), "payment_method.exp_month")) << m;
  }
}

TEST(ValidateCardTest, ExpiredCardIsInvalid) {
  auto card = ValidateCard(Input("4242424242424242", 10, 2026), kNov24);
  ASSERT_FALSE(card);
  EXPECT_TRUE(HasField(card.error(), "payment_method.exp_year"));
  EXPECT_TRUE(ValidateCard(Input("4242424242424242", 11, 2026), kNov24));
}

TEST(ValidateCardTest, CvcMustBeThreeOrFourDigits) {
  EXPECT_TRUE(ValidateCard(Input("4242424242424242", 12, 2030, "123"), kNov24));
  EXPECT_TRUE(ValidateCard(Input("4242424242424242", 12, 2030, "1234"), kNov24));
  for (const char* bad : {"12", "12345", "12a", "", " 123"}) {
    auto card = ValidateCard(Input("4242424242424242", 12, 2030, bad), kNov24);
    ASSERT_FALSE(card) << bad;
    EXPECT_TRUE(HasField(card.error(), "payment_method.cvc")) << bad;
  }
}

TEST(ValidateCardTest, ReportsEveryProblemAtOnceWithoutEchoingTheCard) {
  auto card = ValidateCard(Input("4242424242424241", 13, 2030, "98"), kNov24);
  ASSERT_FALSE(card);
  EXPECT_EQ(card.error().fields.size(), 3u);
  for (const auto& f : card.error().fields) {
    EXPECT_EQ(f.message.find("4242424242424241"), std::string::npos);
    EXPECT_EQ(f.message.find("98"), std::string::npos);
  }
  EXPECT_EQ(card.error().detail.find("4242424242424241"), std::string::npos);
}

}  // namespace
}  // namespace shop::payment::domain
