// The payment-service Component mounted on a real http::Module (no socket), behind the real
// middleware Pipeline, with a fake order-service Module reached through an InProcessUpstream (it
// verifies the forwarded token and hides other users' orders, as the real one does). Tokens are
// minted with auth::Signer.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "shop/auth/signer.hpp"
#include "shop/http/module.hpp"
#include "shop/http/pipeline.hpp"
#include "shop/http/upstream.hpp"
#include "support/harness.hpp"
#include "wiring.hpp"

namespace shop::payment::testing {

struct FakeOrder {
  std::string user_id;
  std::string status = "RESERVED";
  std::int64_t total_cents = 4999;
  std::string currency = "USD";
};

class ApiHarness {
 public:
  explicit ApiHarness(Config config = {});
  ~ApiHarness();

  void StartComponent() { component_->Start(); }

  std::string Token(std::string_view user, bool admin = false) const;
  // A RESERVED order of `user` in the fake order-service; returns its id.
  std::string AddOrder(std::string_view user, std::int64_t cents = 4999, std::string status = "RESERVED");
  void SetOrderStatus(const std::string& id, std::string status);
  void SetOrdersDown(bool down);

  http::Response Call(http::Method m, std::string target, std::string body = {}, std::string_view token = {},
                      std::vector<std::pair<std::string, std::string>> headers = {});
  http::Response Pay(std::string_view user, const std::string& order_id, std::string_view card,
                     std::string_view idem_key = {}, std::string_view cvc = "123");

  static std::string PayBody(const std::string& order_id, std::string_view card, std::string_view cvc = "123");

  MigratedDatabase database;
  ManualClock clock{1'795'478'400'000};  // 2026-11-24T00:00:00Z
  RecordingBus bus;
  shop::testing::TempDir data_dir;

 private:
  http::Response OrderRoute(const http::Request& req);

  std::shared_ptr<auth::KeySet> keys_;
  auth::Signer signer_;
  std::shared_ptr<auth::TokenVerifier> verifier_;
  http::Module module_{"payment-service", 2};
  http::Module orders_module_{"order-service", 1};
  boost::asio::thread_pool io_{1};
  std::unique_ptr<http::InProcessUpstream> orders_upstream_;
  std::unique_ptr<http::Pipeline> pipeline_;
  std::mutex mu_;
  std::map<std::string, FakeOrder, std::less<>> orders_;
  bool orders_down_ = false;
  std::unique_ptr<runtime::ServiceContext> ctx_;
  std::unique_ptr<Component> component_;
};

}  // namespace shop::payment::testing
