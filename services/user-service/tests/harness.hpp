// The user-service as the host would build it, without sockets: a real SQLite TempDatabase
// (migrated), an in-process bus, an http::Module with the Component mounted, a ManualClock.
// Requests go through module.Dispatch (route match, worker pool) via shop::testing::RunAwait.
#pragma once

#include <boost/json/object.hpp>

#include <memory>
#include <string>
#include <vector>

#include "shop/events/relay.hpp"
#include "shop/http/module.hpp"
#include "shop/testing/testing.hpp"
#include "wiring.hpp"

namespace shop::user::testing {

inline constexpr std::string_view kAdminEmail = "root@example.com";
inline constexpr std::string_view kAdminPassword = "admin-password-1";
inline constexpr std::string_view kClientIp = "203.0.113.7";

// Fast hashing (8 MiB would still be slow under load: libsodium's minimum is used), the admin
// bootstrap on, defaults elsewhere.
Config TestConfig();

struct Tokens {
  std::string access;
  std::string refresh;
};

class Harness {
 public:
  explicit Harness(Config cfg = TestConfig());
  ~Harness();

  http::Response Call(http::Method m, std::string target, std::string body = {}, std::string_view token = {},
                      std::string_view ip = kClientIp);
  static boost::json::object Body(const http::Response& res);

  // Registers and returns the new user's id (asserts 201).
  std::string Register(std::string_view email, std::string_view password, std::string_view name = "Ann");
  // Logs in and returns the pair (asserts 200).
  Tokens Login(std::string_view email, std::string_view password);
  Tokens AdminLogin() { return Login(kAdminEmail, kAdminPassword); }

  // Publishes everything in the outbox and returns what reached topic "users" so far.
  std::vector<events::Envelope> Published();

  // Route calls through http::Pipeline (request ids, CORS, the access log) before the Module.
  bool through_pipeline = false;

  ManualClock clock;
  shop::testing::TempDatabase db;
  shop::testing::TempDir data_dir;
  events::InProcBus bus;
  http::Module module{"user-service", 2};
  std::unique_ptr<runtime::ServiceContext> ctx;
  std::unique_ptr<Component> component;

 private:
  std::vector<events::Envelope> seen_;
  std::unique_ptr<events::OutboxRelay> relay_;
};

}  // namespace shop::user::testing
