// A shipping address as the customer gave it. Validation returns per-field errors named
// "shipping_address.<field>" (the API reports them as 422). Pure: std + shop/core only.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shop/core/error.hpp"

namespace shop::order::domain {

struct ShippingAddress {
  std::string name;
  std::string line1;
  std::optional<std::string> line2;
  std::string city;
  std::optional<std::string> state;
  std::string postal_code;
  std::string country;  // ISO 3166-1 alpha-2, upper case ("US")
};

inline constexpr std::size_t kMaxAddressField = 200;
inline constexpr std::size_t kMaxPostalCode = 20;

// Lengths (required fields non-empty), postal code characters, and an assigned ISO 3166-1 alpha-2
// country code in upper case. Empty vector: valid.
std::vector<FieldError> Validate(const ShippingAddress& a);

// True for an officially assigned ISO 3166-1 alpha-2 code, upper case only.
bool IsIsoCountry(std::string_view code);

}  // namespace shop::order::domain
