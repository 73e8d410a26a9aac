// EnvReader: every problem is collected with the variable's name; Finish() reports them together.
// Values are echoed in messages only for non-secret kinds (ints, booleans, choices), never for
// strings or database URLs, which may carry credentials.
#include "shop/config/env.hpp"

#include <cstdlib>

#include "shop/core/strings.hpp"

namespace shop::config {

namespace {

std::optional<std::string> GetEnv(std::string_view name) {
  const char* v = std::getenv(std::string(name).c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

std::string Got(std::string_view value) { return " (got \"" + std::string(value) + "\")"; }

}  // namespace

EnvReader::EnvReader(std::function<std::optional<std::string>(std::string_view)> lookup)
    : lookup_(lookup ? std::move(lookup) : GetEnv) {}

std::optional<std::string> EnvReader::Get(std::string_view name) const {
  auto v = lookup_(name);
  // An empty variable (FOO= in a compose file) counts as unset.
  if (!v || Trim(*v).empty()) return std::nullopt;
  return v;
}

std::string EnvReader::String(std::string_view name, std::string fallback) {
  auto v = Get(name);
  return v ? *v : std::move(fallback);
}

std::string EnvReader::Required(std::string_view name) {
  auto v = Get(name);
  if (!v) {
    errors_.push_back({std::string(name), "is required"});
    return {};
  }
  return *v;
}

std::int64_t EnvReader::Int(std::string_view name, std::int64_t fallback, std::int64_t min, std::int64_t max) {
  const auto v = Get(name);
  if (!v) return fallback;
  const auto n = ParseInt(Trim(*v));
  if (!n || *n < min || *n > max) {
    errors_.push_back({std::string(name),
                       "must be an integer in " + std::to_string(min) + ".." + std::to_string(max) + Got(*v)});
    return fallback;
  }
  return *n;
}

bool EnvReader::Bool(std::string_view name, bool fallback) {
  const auto v = Get(name);
  if (!v) return fallback;
  const auto s = ToLower(Trim(*v));
  if (s == "1" || s == "true" || s == "yes" || s == "on") return true;
  if (s == "0" || s == "false" || s == "no" || s == "off") return false;
  errors_.push_back({std::string(name), "must be a boolean (true/false, 1/0, yes/no, on/off)" + Got(*v)});
  return fallback;
}

std::string EnvReader::Choice(std::string_view name, std::string fallback, const std::vector<std::string>& allowed) {
  const auto v = Get(name);
  if (!v) return fallback;
  const auto s = std::string(Trim(*v));
  for (const auto& a : allowed)
    if (a == s) return s;
  std::string list;
  for (const auto& a : allowed) {
    if (!list.empty()) list += ", ";
    list += a;
  }
  errors_.push_back({std::string(name), "must be one of " + list + Got(*v)});
  return fallback;
}

std::string EnvReader::DatabaseUrl(std::string_view name, std::string fallback) {
  const auto v = Get(name);
  if (!v) return fallback;
  const std::string_view url = Trim(*v);
  const bool ok = url == "sqlite::memory:" ||
                  (url.starts_with("sqlite://") && url.size() > std::string_view("sqlite://").size()) ||
                  (url.starts_with("postgresql://") && url.size() > std::string_view("postgresql://").size()) ||
                  (url.starts_with("postgres://") && url.size() > std::string_view("postgres://").size());
  if (!ok) {
    // No echo: a database URL may hold a password.
    errors_.push_back({std::string(name), "must be a database URL: sqlite:///path, sqlite::memory: or postgresql://..."});
    return fallback;
  }
  return std::string(url);
}

Result<void> EnvReader::Finish() const {
  if (errors_.empty()) return Ok();
  return Error::Invalid(errors_);
}

}  // namespace shop::config
