// A user account and the rules on its fields (API-CONTRACT "Identity"). Pure: no I/O, no crypto.
//
// Emails are normalised (trimmed, lower-cased) before they are validated, stored or compared, so
// uniqueness is case-insensitive. Names are 1..100 characters after trimming; passwords 8..128
// characters (code points), kept as given: never trimmed, never stored (only their hash is).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shop/core/error.hpp"
#include "shop/core/time.hpp"

namespace shop::user {

inline constexpr std::size_t kMaxEmailLength = 254;
inline constexpr std::size_t kMinNameLength = 1;
inline constexpr std::size_t kMaxNameLength = 100;
inline constexpr std::size_t kMinPasswordLength = 8;
inline constexpr std::size_t kMaxPasswordLength = 128;

struct User {
  std::string id;
  std::string email;          // normalised
  std::string name;
  std::string password_hash;  // "$argon2id$..."; never serialised, logged or published
  bool is_admin = false;
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
};

// Trimmed and lower-cased.
std::string NormalizeEmail(std::string_view email);

// Each returns the problem with the (already normalised / trimmed) value, or nullopt when valid.
std::optional<std::string> EmailProblem(std::string_view normalized_email);
std::optional<std::string> NameProblem(std::string_view trimmed_name);
std::optional<std::string> PasswordProblem(std::string_view password);

// Number of UTF-8 code points (continuation bytes are not counted).
std::size_t CodePoints(std::string_view s);

// Collects the field errors of a registration or an admin create; kInvalid with every problem.
Result<void> ValidateNewUser(std::string_view normalized_email, std::string_view name, std::string_view password);

}  // namespace shop::user
