// Server lifecycle: one io_context + thread + SO_REUSEPORT acceptor per I/O thread, the accept
// loops, graceful Stop() and WaitForSignal(). The per-connection protocol is in session.cpp.
#include "shop/http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sys/socket.h>

#include <algorithm>
#include <csignal>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "connection.hpp"
#include "shop/observability/log.hpp"

namespace shop::http {

namespace {

using detail::net::ip::tcp;
namespace net = boost::asio;
using boost::system::error_code;
using ReusePort = net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

constexpr std::chrono::milliseconds kPollInterval{5};
constexpr std::chrono::milliseconds kForcedCloseGrace{500};

// One I/O thread: its io_context, acceptor and connections. Member order matters: the io_context
// is destroyed first, so sessions it still holds can unregister from `connections`.
struct Worker {
  detail::Registry connections;
  net::io_context ioc{1};
  net::executor_work_guard<net::io_context::executor_type> guard{ioc.get_executor()};
  std::optional<tcp::acceptor> acceptor;
  std::thread thread;
};

Result<tcp::acceptor> Listen(net::io_context& ioc, const tcp::endpoint& ep, bool reuse_port) {
  auto fail = [&](std::string_view what, const error_code& ec) -> Result<tcp::acceptor> {
    return Error::Unavailable(std::string(what) + " " + ep.address().to_string() + ":" + std::to_string(ep.port()) +
                              ": " + ec.message());
  };
  tcp::acceptor acceptor(ioc);
  error_code ec;
  if (acceptor.open(ep.protocol(), ec); ec) return fail("open", ec);
  acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (reuse_port) acceptor.set_option(ReusePort(true), ec);
  if (ec) return fail("setsockopt", ec);
  if (acceptor.bind(ep, ec); ec) return fail("bind", ec);
  if (acceptor.listen(net::socket_base::max_listen_connections, ec); ec) return fail("listen", ec);
  return acceptor;
}

}  // namespace

struct Server::Impl {
  detail::ServerState state;
  std::vector<std::unique_ptr<Worker>> workers;
  std::uint16_t port = 0;
  bool started = false;
  std::atomic<std::size_t> next_executor{0};
  std::mutex stop_mutex;  // serialises Stop() so that a second caller returns after the first is done
  bool stopped = false;
  std::mutex signal_mutex;
  net::io_context* signal_ioc = nullptr;  // set while WaitForSignal() blocks

  net::awaitable<void> AcceptLoop(Worker& worker) {
    for (;;) {
      auto [ec, socket] = co_await worker.acceptor->async_accept(net::as_tuple(net::use_awaitable));
      if (state.stopping.load() || !worker.acceptor->is_open()) co_return;
      if (ec) {
        // EMFILE and friends: back off instead of spinning; the listening socket stays usable.
        log::Warn("accept failed", {{"error", std::string_view(ec.message())}});
        net::steady_timer pause(worker.ioc, std::chrono::milliseconds(50));
        co_await pause.async_wait(net::as_tuple(net::use_awaitable));
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      state.open_connections.fetch_add(1);
      auto conn = std::make_shared<detail::Connection>(std::move(socket));
      net::co_spawn(worker.ioc, detail::RunSession(std::move(conn), state, worker.connections), net::detached);
    }
  }

  // Runs `fn(worker)` on every worker's own thread and waits (until `deadline` at most: a thread
  // blocked by a misbehaving handler must not hang Stop) for all of them to have run it.
  template <class Fn>
  void OnEachWorker(Fn fn, std::chrono::steady_clock::time_point deadline) {
    std::vector<std::future<void>> done;
    for (auto& w : workers) {
      auto task = std::make_shared<std::packaged_task<void()>>([&w = *w, fn] { fn(w); });
      done.push_back(task->get_future());
      net::post(w->ioc, [task] { (*task)(); });
    }
    for (auto& d : done) d.wait_until(deadline);
  }

  // Polls until no connection is open or `deadline` passes.
  bool WaitForConnections(std::chrono::steady_clock::time_point deadline) {
    while (state.open_connections.load() > 0) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(kPollInterval);
    }
    return true;
  }
};

Server::Server(ServerOptions options, Handler app) : impl_(std::make_unique<Impl>()) {
  impl_->state.options = std::move(options);
  impl_->state.app = std::move(app);
  int threads = impl_->state.options.io_threads;
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 0; i < threads; ++i) impl_->workers.push_back(std::make_unique<Worker>());
}

Server::~Server() { Stop(); }

Result<void> Server::Start() {
  auto& impl = *impl_;
  if (impl.started || impl.state.stopping.load()) return Error::Internal("server already started or stopped");
  error_code ec;
  const auto address = net::ip::make_address(impl.state.options.host, ec);
  if (ec) return Error::Unavailable("invalid listen address '" + impl.state.options.host + "'");
  const bool reuse_port = impl.workers.size() > 1;
  tcp::endpoint ep(address, impl.state.options.port);
  if (reuse_port && ep.port() != 0) {
    // SO_REUSEPORT would let us share a port another server of the same user already holds: probe
    // with a plain bind first so that "address in use" is reported as it is with one thread.
    auto probe = Listen(impl.workers[0]->ioc, ep, false);
    if (!probe) return probe.error();
  }
  for (auto& w : impl.workers) {
    auto acceptor = Listen(w->ioc, ep, reuse_port);
    if (!acceptor) {
      for (auto& other : impl.workers) other->acceptor.reset();
      return acceptor.error();
    }
    // Port 0: the first bind picks the port, the others join it.
    ep.port(acceptor->local_endpoint().port());
    w->acceptor.emplace(std::move(*acceptor));
  }
  impl.port = ep.port();
  impl.started = true;
  for (auto& w : impl.workers) {
    net::co_spawn(w->ioc, impl.AcceptLoop(*w), net::detached);
    w->thread = std::thread([&ioc = w->ioc] {
      for (;;) {
        try {
          ioc.run();
          return;
        } catch (...) {
          // A throwing completion handler must not take the I/O thread down; keep serving.
        }
      }
    });
  }
  return Ok();
}

std::uint16_t Server::port() const { return impl_->port; }

boost::asio::any_io_executor Server::executor() {
  const auto i = impl_->next_executor.fetch_add(1) % impl_->workers.size();
  return impl_->workers[i]->ioc.get_executor();
}

void Server::Stop() {
  auto& impl = *impl_;
  std::lock_guard lock(impl.stop_mutex);
  if (impl.stopped) return;
  impl.stopped = true;
  impl.state.stopping.store(true);
  if (impl.started) {
    const auto drain_deadline = std::chrono::steady_clock::now() + impl.state.options.drain_timeout;
    // Stop accepting; close connections that wait between requests. Busy ones answer their request
    // with Connection: close (the session sees `stopping`) and close themselves.
    impl.OnEachWorker(
        [](Worker& w) {
          error_code ec;
          if (w.acceptor) w.acceptor->close(ec);
          for (auto* conn : w.connections)
            if (conn->phase == detail::Phase::kIdle) conn->Kill();
        },
        drain_deadline);
    if (!impl.WaitForConnections(drain_deadline)) {
      const auto grace_deadline = std::chrono::steady_clock::now() + kForcedCloseGrace;
      impl.OnEachWorker(
          [](Worker& w) {
            for (auto* conn : w.connections) conn->Kill();
          },
          grace_deadline);
      impl.WaitForConnections(grace_deadline);
    }
    for (auto& w : impl.workers) {
      w->guard.reset();
      w->ioc.stop();
    }
    for (auto& w : impl.workers)
      if (w->thread.joinable()) w->thread.join();
    // The threads are gone: what is still open (a handler stuck past the drain) is closed from here,
    // so clients see the close now rather than at ~Server.
    for (auto& w : impl.workers) {
      error_code ec;
      if (w->acceptor) w->acceptor->close(ec);
      for (auto* conn : w->connections) conn->socket().close(ec);
    }
  }
  std::lock_guard signal_lock(impl.signal_mutex);
  if (impl.signal_ioc) impl.signal_ioc->stop();
}

void Server::WaitForSignal() {
  net::io_context ioc(1);
  {
    std::lock_guard lock(impl_->signal_mutex);
    if (impl_->state.stopping.load()) return;
    impl_->signal_ioc = &ioc;
  }
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([](const error_code&, int) {});
  ioc.run();
  {
    std::lock_guard lock(impl_->signal_mutex);
    impl_->signal_ioc = nullptr;
  }
  Stop();
}

std::size_t Server::active_requests() const { return impl_->state.active_requests.load(); }

}  // namespace shop::http
