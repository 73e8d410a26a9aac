// Splits a postgresql:// URL into the part libpq understands and the driver's own options
// (pool_size, acquire_timeout_ms), which libpq would reject as unknown URI parameters.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "shop/core/error.hpp"

namespace shop::db::pgdetail {

struct PgUrl {
  std::string libpq_url;                  // the URL without the driver's parameters
  std::optional<int> pool_size;           // 1..1000
  std::optional<int> acquire_timeout_ms;  // 1..3600000
};

// kInvalid for another scheme or an out-of-range driver parameter.
Result<PgUrl> ParsePgUrl(std::string_view url);

}  // namespace shop::db::pgdetail
