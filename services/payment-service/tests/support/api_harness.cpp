#include "support/api_harness.hpp"

#include <boost/json/serialize.hpp>

#include "shop/core/ids.hpp"
#include "shop/http/problem.hpp"
#include "shop/json/json.hpp"

namespace shop::payment::testing {

ApiHarness::ApiHarness(Config config)
    : keys_(std::make_shared<auth::KeySet>()),
      signer_(auth::Signer::Generate()),
      verifier_(std::make_shared<auth::TokenVerifier>(keys_)) {
  keys_->Put(signer_.kid(), signer_.public_key());
  orders_module_.router().Get("/api/v1/orders/{id}", [this](http::Request& r) { return OrderRoute(r); });
  orders_upstream_ = std::make_unique<http::InProcessUpstream>(orders_module_, io_.get_executor());
  ctx_ = std::make_unique<runtime::ServiceContext>(runtime::ServiceContext{
      "payment-service", database.db(), bus, module_, clock, verifier_, data_dir.path().string(),
      [this](std::string_view service) -> http::Upstream& {
        if (service != "order-service") throw std::logic_error("unexpected upstream");
        return *orders_upstream_;
      }});
  component_ = std::make_unique<Component>(*ctx_, std::move(config));
  pipeline_ = std::make_unique<http::Pipeline>(http::PipelineOptions{.service = "payment-service"},
                                               [this](http::Request& r) { return module_.Dispatch(r); });
}

ApiHarness::~ApiHarness() {
  module_.Stop();
  orders_module_.Stop();
  io_.join();
}

std::string ApiHarness::Token(std::string_view user, bool admin) const {
  return signer_.Sign(auth::Claims::For(std::string(user), std::string(user.substr(0, 8)) + "@example.com", admin));
}

std::string ApiHarness::AddOrder(std::string_view user, std::int64_t cents, std::string status) {
  std::lock_guard lock(mu_);
  const auto id = NewId();
  orders_[id] = FakeOrder{std::string(user), std::move(status), cents, "USD"};
  return id;
}

void ApiHarness::SetOrderStatus(const std::string& id, std::string status) {
  std::lock_guard lock(mu_);
  orders_.at(id).status = std::move(status);
}

void ApiHarness::SetOrdersDown(bool down) {
  std::lock_guard lock(mu_);
  orders_down_ = down;
}

http::Response ApiHarness::OrderRoute(const http::Request& req) {
  auto who = auth::Authenticate(req, *verifier_);
  if (!who) return http::Problem(who.error());
  std::lock_guard lock(mu_);
  if (orders_down_) return http::Problem(Error::Unavailable("database unavailable"));
  auto it = orders_.find(req.Param("id"));
  if (it == orders_.end() || (it->second.user_id != who->user_id && !who->is_admin)) {
    return http::Problem(Error::NotFound("order not found"));
  }
  const auto& o = it->second;
  boost::json::object body{{"id", it->first},          {"user_id", o.user_id},         {"status", o.status},
                           {"total_cents", o.total_cents}, {"currency", o.currency}, {"items", boost::json::array{}}};
  return json::Reply(200, body);
}

http::Response ApiHarness::Call(http::Method m, std::string target, std::string body, std::string_view token,
                                std::vector<std::pair<std::string, std::string>> headers) {
  http::Request req;
  req.method = m;
  req.method_name = std::string(http::ToString(m));
  req.SetTarget(std::move(target));
  if (!token.empty()) req.headers.Set("Authorization", "Bearer " + std::string(token));
  if (!body.empty()) req.headers.Set("Content-Type", "application/json");
  for (auto& [k, v] : headers) req.headers.Set(k, std::move(v));
  req.body = std::move(body);
  req.remote_addr = "127.0.0.1";
  return shop::testing::RunAwait(pipeline_->Handle(req));
}

std::string ApiHarness::PayBody(const std::string& order_id, std::string_view card, std::string_view cvc) {
  boost::json::object pm{{"card_number", card}, {"exp_month", 12}, {"exp_year", 2030}, {"cvc", cvc}};
  return boost::json::serialize(boost::json::object{{"order_id", order_id}, {"payment_method", std::move(pm)}});
}

http::Response ApiHarness::Pay(std::string_view user, const std::string& order_id, std::string_view card,
                               std::string_view idem_key, std::string_view cvc) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!idem_key.empty()) headers.emplace_back("Idempotency-Key", std::string(idem_key));
  return Call(http::Method::kPost, "/api/v1/payments", PayBody(order_id, card, cvc), Token(user), std::move(headers));
}

}  // namespace shop::payment::testing
