// Configuration from environment variables, validated once at start-up. Every problem is collected
// and reported together, each naming the variable and what is wrong with it:
//   PORT: must be an integer in 1..65535 (got "80a")
// Services parse their Config struct with an EnvReader in main() and pass it down by value.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shop/core/error.hpp"

namespace shop::config {

class EnvReader {
 public:
  // `lookup` defaults to getenv; tests pass a map.
  explicit EnvReader(std::function<std::optional<std::string>(std::string_view)> lookup = {});

  std::string String(std::string_view name, std::string fallback);
  std::string Required(std::string_view name);
  std::int64_t Int(std::string_view name, std::int64_t fallback, std::int64_t min, std::int64_t max);
  bool Bool(std::string_view name, bool fallback);
  // One of `allowed`.
  std::string Choice(std::string_view name, std::string fallback, const std::vector<std::string>& allowed);
  // A database URL: sqlite:///path, sqlite::memory:, postgresql://...
  std::string DatabaseUrl(std::string_view name, std::string fallback);

  // kInvalid listing every problem, or ok.
  Result<void> Finish() const;

 private:
  std::optional<std::string> Get(std::string_view name) const;
  std::function<std::optional<std::string>(std::string_view)> lookup_;
  std::vector<FieldError> errors_;
};

}  // namespace shop::config
