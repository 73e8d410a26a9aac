// The driver's event loop: one Asio io_context on one thread per PostgreSQL database, on which every
// connection of that database does all of its socket I/O with libpq's asynchronous API (nonblocking
// connection, PQsend*/PQflush/PQconsumeInput/PQisBusy, readiness from the Asio reactor). Callers
// hand it coroutines: coroutine callers co_await them from any executor, blocking callers (the
// services' worker pools, ADR 0003) wait on Run(). Private to libs/pg.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include "shop/async/task.hpp"

namespace shop::db::pgdetail {

class Loop {
 public:
  Loop();
  ~Loop();  // stops the loop and joins its thread; pending operations are abandoned
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  boost::asio::io_context::executor_type executor() { return ctx_.get_executor(); }
  bool InLoopThread() const { return std::this_thread::get_id() == thread_.get_id(); }

  // Runs `task` on the loop and blocks the calling thread until it is done (rethrowing what it
  // threw). On the loop thread itself this would wait for itself: there it throws logic_error.
  template <class T>
  T Run(Task<T> task) {
    CheckNotLoopThread();
    Waiter w;
    std::optional<T> out;
    boost::asio::co_spawn(ctx_, Store(std::move(task), out), [&w](std::exception_ptr e) { w.Done(e); });
    w.Wait();
    return std::move(*out);
  }
  void Run(Task<void> task) {
    CheckNotLoopThread();
    Waiter w;
    boost::asio::co_spawn(ctx_, std::move(task), [&w](std::exception_ptr e) { w.Done(e); });
    w.Wait();
  }

 private:
  class Waiter {
   public:
    void Done(std::exception_ptr e) {
      std::lock_guard lock(mu_);
      error_ = e;
      done_ = true;
      cv_.notify_one();
    }
    void Wait() {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return done_; });
      if (error_) std::rethrow_exception(error_);
    }

   private:
    std::mutex mu_;
    std::condition_variable cv_;
    bool done_ = false;
    std::exception_ptr error_;
  };

  template <class T>
  static Task<void> Store(Task<T> task, std::optional<T>& out) {
    out.emplace(co_await std::move(task));
  }
  void CheckNotLoopThread() const;

  boost::asio::io_context ctx_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

}  // namespace shop::db::pgdetail
