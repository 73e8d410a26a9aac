// Test helpers shared by every suite.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <filesystem>
#include <memory>
#include <string>

#include "shop/async/task.hpp"
#include "shop/db/database.hpp"

namespace shop::testing {

// Runs a coroutine to completion on a private io_context and returns its value.
template <class T>
T RunAwait(Task<T> task) {
  boost::asio::io_context io;
  auto fut = boost::asio::co_spawn(io, std::move(task), boost::asio::use_future);
  io.run();
  return fut.get();
}

// A fresh directory under /tmp, removed with the object.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A SQLite database in a fresh temporary file (WAL needs a file), removed afterwards.
struct TempDatabase {
  TempDir dir;
  std::unique_ptr<db::Database> db;
  TempDatabase();
  db::Database& operator*() { return *db; }
  db::Database* operator->() { return db.get(); }
};

// A free TCP port on 127.0.0.1 (bound and released; good enough for tests).
int FreePort();

}  // namespace shop::testing
