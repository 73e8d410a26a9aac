#include "domain/user.hpp"

#include "shop/core/strings.hpp"

namespace shop::user {

std::string NormalizeEmail(std::string_view email) { return ToLower(Trim(email)); }

std::size_t CodePoints(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::optional<std::string> EmailProblem(std::string_view e) {
  if (e.empty()) return "is required";
  if (e.size() > kMaxEmailLength) return "must be at most 254 characters";
  const auto at = e.find('@');
  if (at == std::string_view::npos || at == 0 || at != e.rfind('@')) return "must be a valid email address";
  const auto local = e.substr(0, at);
  const auto domain = e.substr(at + 1);
  if (local.size() > 64 || domain.size() < 3) return "must be a valid email address";
  const auto dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || domain.back() == '.' || domain.find("..") != std::string_view::npos) {
    return "must be a valid email address";
  }
  for (unsigned char c : e) {
    // No spaces, control characters, quotes or angle brackets: the address is used as-is in mail
    // headers and logs by other systems.
    if (c <= 0x20 || c == 0x7f || c == '"' || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' ||
        c == ';' || c == ':' || c == '\\' || c == '[' || c == ']') {
      return "must be a valid email address";
    }
  }
  return std::nullopt;
}

std::optional<std::string> NameProblem(std::string_view name) {
  const auto n = CodePoints(name);
  if (n < kMinNameLength) return "is required";
  if (n > kMaxNameLength) return "must be at most 100 characters";
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) return "must not contain control characters";
  }
  return std::nullopt;
}

std::optional<std::string> PasswordProblem(std::string_view password) {
  const auto n = CodePoints(password);
  if (n < kMinPasswordLength) return "must be at least 8 characters";
  if (n > kMaxPasswordLength) return "must be at most 128 characters";
  return std::nullopt;
}

Result<void> ValidateNewUser(std::string_view normalized_email, std::string_view name, std::string_view password) {
  std::vector<FieldError> errors;
  if (auto p = EmailProblem(normalized_email)) errors.push_back({"email", *p});
  if (auto p = NameProblem(name)) errors.push_back({"name", *p});
  if (auto p = PasswordProblem(password)) errors.push_back({"password", *p});
  if (!errors.empty()) return Error::Invalid(std::move(errors));
  return Ok();
}

}  // namespace shop::user
