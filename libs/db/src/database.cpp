#include "shop/db/database.hpp"

#include <charconv>
#include <cstdlib>

#include "sql_text.hpp"
#include "sqlite.hpp"

namespace shop::db {
namespace {

constexpr std::string_view kSqlitePrefix = "sqlite://";
constexpr std::string_view kSqliteMemory = "sqlite::memory:";

}  // namespace

std::int64_t Row::Int(std::size_t i) const {
  const auto& v = cols_.at(i);
  if (const auto* p = std::get_if<std::int64_t>(&v)) return *p;
  if (const auto* p = std::get_if<double>(&v)) return static_cast<std::int64_t>(*p);
  if (const auto* p = std::get_if<std::string>(&v)) {
    std::int64_t out = 0;
    std::from_chars(p->data(), p->data() + p->size(), out);
    return out;
  }
  return 0;
}

double Row::Real(std::size_t i) const {
  const auto& v = cols_.at(i);
  if (const auto* p = std::get_if<double>(&v)) return *p;
  if (const auto* p = std::get_if<std::int64_t>(&v)) return static_cast<double>(*p);
  if (const auto* p = std::get_if<std::string>(&v)) return std::strtod(p->c_str(), nullptr);
  return 0;
}

std::string Row::Text(std::size_t i) const {
  const auto& v = cols_.at(i);
  if (const auto* p = std::get_if<std::string>(&v)) return *p;
  if (const auto* p = std::get_if<std::int64_t>(&v)) return std::to_string(*p);
  if (const auto* p = std::get_if<double>(&v)) return std::to_string(*p);
  return {};
}

std::optional<std::string> Row::OptText(std::size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Text(i);
}

std::optional<std::int64_t> Row::OptInt(std::size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Int(i);
}

Result<std::optional<Row>> Tx::QueryOne(std::string_view sql, std::vector<Param> params) {
  auto rows = Query(sql, std::move(params));
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<Row>{};
  return std::optional<Row>{std::move(rows->front())};
}

Result<void> Tx::ExecScript(std::string_view sql) {
  for (const auto& stmt : detail::SplitStatements(sql)) {
    if (auto r = Exec(stmt); !r) return r.error();
  }
  return Ok();
}

Result<std::unique_ptr<Database>> Open(std::string_view url) {
  if (url == kSqliteMemory) return detail::OpenSqlite(":memory:");
  if (url.substr(0, kSqlitePrefix.size()) == kSqlitePrefix) {
    // sqlite:///abs/path keeps its leading '/', sqlite://relative stays relative.
    const auto path = url.substr(kSqlitePrefix.size());
    if (path.empty()) return Error{Errc::kInvalid, "database url has no path"};
    return detail::OpenSqlite(std::string(path));
  }
  if (url.substr(0, 11) == "postgresql:" || url.substr(0, 9) == "postgres:") {
    return Error{Errc::kInvalid, "postgresql urls need the PostgreSQL driver, not built into this binary"};
  }
  return Error{Errc::kInvalid, "unsupported database url scheme (expected sqlite://)"};
}

}  // namespace shop::db
