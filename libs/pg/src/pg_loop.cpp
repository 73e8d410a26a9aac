#include "pg_loop.hpp"

#include <stdexcept>

#include "shop/observability/log.hpp"

namespace shop::db::pgdetail {

Loop::Loop() : work_(ctx_.get_executor()) {
  thread_ = std::thread([this] {
    for (;;) {
      try {
        ctx_.run();
        return;
      } catch (const std::exception& e) {
        // A handler threw past its coroutine (a bug): log it and keep the loop alive.
        log::Error("postgresql loop handler threw", {{"error", std::string_view(e.what())}});
      }
    }
  });
}

Loop::~Loop() {
  work_.reset();
  ctx_.stop();
  if (thread_.joinable()) thread_.join();
}

void Loop::CheckNotLoopThread() const {
  if (InLoopThread()) throw std::logic_error("blocking wait on the postgresql loop thread");
}

}  // namespace shop::db::pgdetail
