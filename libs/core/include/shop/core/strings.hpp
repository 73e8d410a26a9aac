// Small string helpers shared by every layer (no allocation-heavy utilities here).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shop {

bool IEquals(std::string_view a, std::string_view b);
std::string ToLower(std::string_view s);
std::string_view Trim(std::string_view s);
std::vector<std::string_view> Split(std::string_view s, char sep);

// Strict decimal integer parse: the whole string, optional leading '-', no spaces, no overflow.
std::optional<std::int64_t> ParseInt(std::string_view s);

std::string Base64UrlEncode(std::string_view bytes);
std::optional<std::string> Base64UrlDecode(std::string_view text);
std::string HexEncode(std::string_view bytes);

// Percent-decoding of a URL query component ('+' is a space).
std::optional<std::string> UrlDecode(std::string_view s);

}  // namespace shop
