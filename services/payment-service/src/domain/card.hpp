// Card checks done before any provider sees a card: number format (digits after stripping spaces
// and dashes, 12..19 of them), the Luhn checksum, expiry (a card is valid through the last
// millisecond of its expiry month, UTC), CVC format (3 or 4 digits), and brand detection.
//
// A validated Card holds the full number and CVC in memory only, to hand to a PaymentProvider; what
// leaves this layer for storage, events and responses is CardSummary (brand + last 4). Nothing here
// logs, and no error message ever contains the number or the CVC. Pure: std + shop/core only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "shop/core/error.hpp"
#include "shop/core/time.hpp"

namespace shop::payment::domain {

enum class CardBrand { kVisa, kMastercard, kAmex, kDiscover, kUnknown };

// "visa", "mastercard", "amex", "discover", "unknown"
std::string_view ToString(CardBrand b);
std::optional<CardBrand> ParseBrand(std::string_view s);

// "4242 4242-4242-4242" -> "4242424242424242"; nullopt when any other character is present.
std::optional<std::string> NormalizeCardNumber(std::string_view raw);

// Luhn (mod 10) over a string of digits; false for an empty string or a non-digit.
bool LuhnValid(std::string_view digits);

// By IIN range: Visa 4; Mastercard 51-55 and 2221-2720; Amex 34, 37; Discover 6011, 622126-622925,
// 644-649, 65. Anything else is kUnknown.
CardBrand DetectBrand(std::string_view digits);

// True once `now` is past the end of month `exp_month` of `exp_year` (UTC). A two-digit year means
// 20YY.
bool IsExpired(std::int64_t exp_month, std::int64_t exp_year, UnixMillis now);

// What the client sent, unvalidated.
struct CardInput {
  std::string number;
  std::int64_t exp_month = 0;
  std::int64_t exp_year = 0;
  std::string cvc;
};

struct CardSummary {
  CardBrand brand = CardBrand::kUnknown;
  std::string last4;
};

// A card that passed ValidateCard. Move-only so the number is not copied around by accident.
class Card {
 public:
  Card(std::string digits, int exp_month, int exp_year, std::string cvc);
  ~Card();
  Card(Card&&) noexcept = default;
  Card& operator=(Card&&) noexcept = default;
  Card(const Card&) = delete;
  Card& operator=(const Card&) = delete;

  const std::string& number() const { return digits_; }
  const std::string& cvc() const { return cvc_; }
  int exp_month() const { return exp_month_; }
  int exp_year() const { return exp_year_; }
  CardSummary Summary() const;

 private:
  std::string digits_;
  int exp_month_;
  int exp_year_;
  std::string cvc_;
};

// Every problem at once as kInvalid with per-field errors under `field_prefix` (e.g.
// "payment_method.card_number"). The messages never echo the submitted values.
Result<Card> ValidateCard(const CardInput& in, UnixMillis now, std::string_view field_prefix = "payment_method.");

}  // namespace shop::payment::domain
