#include "domain/address.hpp"

namespace shop::order::domain {
namespace {

void CheckLength(std::vector<FieldError>& errors, std::string_view field, const std::string& value, bool required,
                 std::size_t max) {
  const std::string name = "shipping_address." + std::string(field);
  if (required && value.empty()) {
    errors.push_back({name, "is required"});
  } else if (value.size() > max) {
    errors.push_back({name, "must be at most " + std::to_string(max) + " characters"});
  }
}

bool IsPostalChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == ' ' || c == '-';
}

}  // namespace

std::vector<FieldError> Validate(const ShippingAddress& a) {
  std::vector<FieldError> errors;
  CheckLength(errors, "name", a.name, true, kMaxAddressField);
  CheckLength(errors, "line1", a.line1, true, kMaxAddressField);
  if (a.line2) CheckLength(errors, "line2", *a.line2, false, kMaxAddressField);
  CheckLength(errors, "city", a.city, true, kMaxAddressField);
  if (a.state) CheckLength(errors, "state", *a.state, false, kMaxAddressField);
  CheckLength(errors, "postal_code", a.postal_code, true, kMaxPostalCode);
  if (!a.postal_code.empty() && a.postal_code.size() <= kMaxPostalCode) {
    for (char c : a.postal_code) {
      if (!IsPostalChar(c)) {
        errors.push_back({"shipping_address.postal_code", "may contain only letters, digits, spaces and '-'"});
        break;
      }
    }
  }
  if (!IsIsoCountry(a.country)) {
    errors.push_back({"shipping_address.country", "must be an ISO 3166-1 alpha-2 code in upper case, e.g. \"US\""});
  }
  return errors;
}

}  // namespace shop::order::domain
