// The SQLite driver's entry point (private to libs/db; sqlite3.h stays inside sqlite.cpp).
#pragma once

#include <memory>
#include <string>

#include "shop/db/database.hpp"

namespace shop::db::detail {

// `path` is a filesystem path, or ":memory:" for one private in-memory database.
Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path);

}  // namespace shop::db::detail
