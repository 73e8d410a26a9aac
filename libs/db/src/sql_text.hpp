// Lexical helpers over SQL text shared by the drivers: they know string literals ('...'),
// quoted identifiers ("...", `...`, [...]) and comments (-- and /* */), and nothing else.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace shop::db::detail {

// Rewrites PostgreSQL-style `$N` placeholders to SQLite's `?N`, leaving literals, quoted
// identifiers and comments untouched.
std::string RewriteDollarParams(std::string_view sql);

// Splits a script at `;` outside literals/identifiers/comments; drops empty statements.
std::vector<std::string> SplitStatements(std::string_view sql);

}  // namespace shop::db::detail
