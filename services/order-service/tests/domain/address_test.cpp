#include "domain/address.hpp"

#include <gtest/gtest.h>

namespace shop::order::domain {
namespace {

ShippingAddress Valid() { return {"Ada", "1 Way", "Flat 2", "London", std::nullopt, "N1 9GU", "GB"}; }

bool HasField(const std::vector<FieldError>& errors, std::string_view field) {
  for (const auto& e : errors) {
    if (e.field == field) return true;
  }
  return false;
}

TEST(AddressTest, AValidAddressHasNoErrors) { EXPECT_TRUE(Validate(Valid()).empty()); }

TEST(AddressTest, CountryMustBeAnAssignedUpperCaseAlpha2Code) {
  for (auto bad : {"gb", "UK", "G", "GBR", "", "XX", "ZZ"}) {
    auto a = Valid();
    a.country = bad;
    EXPECT_TRUE(HasField(Validate(a), "shipping_address.country")) << bad;
  }
  for (auto good : {"US", "DE", "JP", "AX", "ZW"}) {
    auto a = Valid();
    a.country = good;
    EXPECT_TRUE(Validate(a).empty()) << good;
  }
}

TEST(AddressTest, RequiredFieldsAndLengthsAreChecked) {
  auto a = Valid();
  a.name.clear();
  a.city = std::string(201, 'x');
  a.postal_code = "N1$9GU";
  auto errors = Validate(a);
  EXPECT_TRUE(HasField(errors, "shipping_address.name"));
  EXPECT_TRUE(HasField(errors, "shipping_address.city"));
  EXPECT_TRUE(HasField(errors, "shipping_address.postal_code"));
  EXPECT_FALSE(HasField(errors, "shipping_address.line1"));
}

}  // namespace
}  // namespace shop::order::domain
