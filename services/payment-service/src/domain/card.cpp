#include "domain/card.hpp"

#include <vector>

namespace shop::payment::domain {
namespace {

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

// Howard Hinnant's days_from_civil: days since 1970-01-01 of a proleptic Gregorian date.
std::int64_t DaysFromCivil(std::int64_t y, std::int64_t m, std::int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::int64_t FullYear(std::int64_t y) { return y >= 0 && y < 100 ? 2000 + y : y; }

int Prefix(std::string_view digits, std::size_t n) {
  int v = 0;
  for (std::size_t i = 0; i < n && i < digits.size(); ++i) v = v * 10 + (digits[i] - '0');
  return v;
}

// Overwrites a string's bytes before its memory is released (best effort; the optimiser may not
// drop writes through a volatile pointer).
void Wipe(std::string& s) {
  volatile char* p = s.data();
  for (std::size_t i = 0; i < s.size(); ++i) p[i] = 0;
  s.clear();
}

}  // namespace

std::string_view ToString(CardBrand b) {
  switch (b) {
    case CardBrand::kVisa: return "visa";
    case CardBrand::kMastercard: return "mastercard";
    case CardBrand::kAmex: return "amex";
    case CardBrand::kDiscover: return "discover";
    case CardBrand::kUnknown: break;
  }
  return "unknown";
}

std::optional<CardBrand> ParseBrand(std::string_view s) {
  for (auto b : {CardBrand::kVisa, CardBrand::kMastercard, CardBrand::kAmex, CardBrand::kDiscover,
                 CardBrand::kUnknown}) {
    if (ToString(b) == s) return b;
  }
  return std::nullopt;
}

std::optional<std::string> NormalizeCardNumber(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    if (c == ' ' || c == '-') continue;
    if (c < '0' || c > '9') return std::nullopt;
    out.push_back(c);
  }
  return out;
}

bool LuhnValid(std::string_view digits) {
  if (!AllDigits(digits)) return false;
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

CardBrand DetectBrand(std::string_view digits) {
  if (!AllDigits(digits)) return CardBrand::kUnknown;
  const int p1 = Prefix(digits, 1), p2 = Prefix(digits, 2), p3 = Prefix(digits, 3), p4 = Prefix(digits, 4);
  if (p1 == 4) return CardBrand::kVisa;
  if ((p2 >= 51 && p2 <= 55) || (digits.size() >= 4 && p4 >= 2221 && p4 <= 2720)) return CardBrand::kMastercard;
  if (p2 == 34 || p2 == 37) return CardBrand::kAmex;
  if (digits.size() >= 4 && p4 == 6011) return CardBrand::kDiscover;
  if (p2 == 65 || (digits.size() >= 3 && p3 >= 644 && p3 <= 649)) return CardBrand::kDiscover;
  if (digits.size() >= 6) {
    const int p6 = Prefix(digits, 6);
    if (p6 >= 622126 && p6 <= 622925) return CardBrand::kDiscover;
  }
  return CardBrand::kUnknown;
}

bool IsExpired(std::int64_t exp_month, std::int64_t exp_year, UnixMillis now) {
  std::int64_t y = FullYear(exp_year);
  std::int64_t m = exp_month + 1;  // valid through the end of the month: expired from the 1st of the next
  if (m == 13) {
    m = 1;
    ++y;
  }
  const UnixMillis first_invalid = DaysFromCivil(y, m, 1) * 86'400'000LL;
  return now >= first_invalid;
}

Card::Card(std::string digits, int exp_month, int exp_year, std::string cvc)
    : digits_(std::move(digits)), exp_month_(exp_month), exp_year_(exp_year), cvc_(std::move(cvc)) {}

Card::~Card() {
  Wipe(digits_);
  Wipe(cvc_);
}

CardSummary Card::Summary() const {
  return {DetectBrand(digits_), digits_.size() >= 4 ? digits_.substr(digits_.size() - 4) : digits_};
}

Result<Card> ValidateCard(const CardInput& in, UnixMillis now, std::string_view field_prefix) {
  const std::string prefix(field_prefix);
  std::vector<FieldError> errors;

  auto digits = NormalizeCardNumber(in.number);
  if (!digits || digits->empty()) {
    errors.push_back({prefix + "card_number", "must contain only digits (spaces and dashes are allowed)"});
  } else if (digits->size() < 12 || digits->size() > 19) {
    errors.push_back({prefix + "card_number", "must have 12 to 19 digits"});
  } else if (!LuhnValid(*digits)) {
    errors.push_back({prefix + "card_number", "is not a valid card number (checksum failed)"});
  }

  bool date_ok = true;
  if (in.exp_month < 1 || in.exp_month > 12) {
    errors.push_back({prefix + "exp_month", "must be between 1 and 12"});
    date_ok = false;
  }
  const std::int64_t year = FullYear(in.exp_year);
  if (year < 2000 || year > 2199) {
    errors.push_back({prefix + "exp_year", "must be a four-digit year"});
    date_ok = false;
  }
  if (date_ok && IsExpired(in.exp_month, year, now)) {
    errors.push_back({prefix + "exp_year", "the card has expired"});
  }

  if (!AllDigits(in.cvc) || in.cvc.size() < 3 || in.cvc.size() > 4) {
    errors.push_back({prefix + "cvc", "must be 3 or 4 digits"});
  }

  if (!errors.empty()) {
    if (digits) Wipe(*digits);
    return Error::Invalid(std::move(errors));
  }
  return Card(std::move(*digits), static_cast<int>(in.exp_month), static_cast<int>(year), in.cvc);
}

}  // namespace shop::payment::domain
