#include "sql_text.hpp"

#include <cctype>

namespace shop::db::detail {
namespace {

// Length of the quoted/comment token starting at `i`, or 0 when `sql[i]` does not open one.
// An unterminated token runs to the end of the text.
std::size_t SkipToken(std::string_view sql, std::size_t i) {
  const char c = sql[i];
  auto until = [&](std::size_t from, std::string_view close) {
    const auto end = sql.find(close, from);
    return (end == std::string_view::npos ? sql.size() : end + close.size()) - i;
  };
  switch (c) {
    case '\'':
    case '"':
    case '`': {
      // A doubled quote inside is an escaped quote; the scan just continues past it.
      std::size_t j = i + 1;
      while (j < sql.size()) {
        if (sql[j] == c) {
          if (j + 1 < sql.size() && sql[j + 1] == c) {
            j += 2;
            continue;
          }
          return j + 1 - i;
        }
        ++j;
      }
      return sql.size() - i;
    }
    case '[':
      return until(i + 1, "]");
    case '-':
      if (i + 1 < sql.size() && sql[i + 1] == '-') return until(i + 2, "\n");
      return 0;
    case '/':
      if (i + 1 < sql.size() && sql[i + 1] == '*') return until(i + 2, "*/");
      return 0;
    default:
      return 0;
  }
}

bool IsBlank(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (std::isspace(static_cast<unsigned char>(s[i]))) {
      ++i;
      continue;
    }
    const bool comment = (s[i] == '-' || s[i] == '/') && SkipToken(s, i) > 0;
    if (!comment) return false;
    i += SkipToken(s, i);
  }
  return true;
}

}  // namespace

std::string RewriteDollarParams(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  for (std::size_t i = 0; i < sql.size();) {
    if (const auto n = SkipToken(sql, i); n > 0) {
      out.append(sql.substr(i, n));
      i += n;
      continue;
    }
    if (sql[i] == '$' && i + 1 < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      out.push_back('?');
      ++i;
      continue;
    }
    out.push_back(sql[i++]);
  }
  return out;
}

std::vector<std::string> SplitStatements(std::string_view sql) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= sql.size();) {
    if (i == sql.size() || sql[i] == ';') {
      const auto stmt = sql.substr(start, i - start);
      if (!IsBlank(stmt)) out.emplace_back(stmt);
      start = ++i;
      continue;
    }
    if (const auto n = SkipToken(sql, i); n > 0) {
      i += n;
    } else {
      ++i;
    }
  }
  return out;
}

}  // namespace shop::db::detail
