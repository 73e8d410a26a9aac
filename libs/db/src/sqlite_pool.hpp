// A lazily grown pool of SQLite connections for one database file. Acquire() hands a connection to
// one thread until its Lease ends; it waits while all `max` connections are out. Thread-safe.
// Private to libs/db.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sqlite_connection.hpp"

namespace shop::db::detail {

class Pool {
 public:
  // A connection checked out of the pool; returns it on destruction or Release().
  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<Connection> c) : pool_(pool), c_(std::move(c)) {}
    Lease(Lease&& o) noexcept : pool_(o.pool_), c_(std::move(o.c_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() { Release(); }
    Connection& operator*() const { return *c_; }
    void Release() {
      if (c_) pool_->Return(std::move(c_));
    }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> c_;
  };

  Pool(std::string path, int max_connections, std::unique_ptr<Connection> first);
  // Fails with kUnavailable when a new connection cannot be opened.
  Result<Lease> Acquire();
  int max_connections() const { return max_; }

 private:
  void Return(std::unique_ptr<Connection> c);

  const std::string path_;
  const int max_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int total_ = 1;
};

}  // namespace shop::db::detail
