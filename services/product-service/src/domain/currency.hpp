// ISO 4217: the active alphabetic currency codes (a built-in list; no network look-up).
#pragma once

#include <string_view>

namespace shop::product {

// True for an upper-case active ISO 4217 code ("USD", "EUR"...). Funds codes and
// precious metals (XAU...) are not accepted as prices.
bool IsIso4217(std::string_view code);

}  // namespace shop::product
