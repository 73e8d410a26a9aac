#include "pg_url.hpp"

#include <charconv>
#include <vector>

namespace shop::db::pgdetail {
namespace {

std::optional<int> ParseInt(std::string_view s, int lo, int hi) {
  int v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || v < lo || v > hi) return std::nullopt;
  return v;
}

}  // namespace

Result<PgUrl> ParsePgUrl(std::string_view url) {
  if (url.substr(0, 13) != "postgresql://" && url.substr(0, 11) != "postgres://") {
    return Error{Errc::kInvalid, "not a postgresql:// url"};
  }
  PgUrl out;
  const auto q = url.find('?');
  if (q == std::string_view::npos) {
    out.libpq_url = std::string(url);
    return out;
  }
  std::string kept;
  std::string_view query = url.substr(q + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (item.empty()) continue;
    const auto eq = item.find('=');
    const std::string_view key = item.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1);
    if (key == "pool_size") {
      out.pool_size = ParseInt(value, 1, 1000);
      if (!out.pool_size) return Error{Errc::kInvalid, "database url: pool_size must be 1..1000"};
    } else if (key == "acquire_timeout_ms") {
      out.acquire_timeout_ms = ParseInt(value, 1, 3600000);
      if (!out.acquire_timeout_ms) return Error{Errc::kInvalid, "database url: acquire_timeout_ms must be 1..3600000"};
    } else {
      kept += kept.empty() ? "?" : "&";
      kept += item;
    }
  }
  out.libpq_url = std::string(url.substr(0, q)) + kept;
  return out;
}

}  // namespace shop::db::pgdetail
