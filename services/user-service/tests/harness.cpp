#include "harness.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "shop/db/migrations.hpp"
#include "shop/http/pipeline.hpp"
#include "shop/json/json.hpp"

namespace shop::user::testing {

Config TestConfig() {
  Config c;
  c.argon2_memlimit_kib = 8;
  c.argon2_opslimit = 1;
  c.admin_email = std::string(kAdminEmail);
  c.admin_password = std::string(kAdminPassword);
  return c;
}

Harness::Harness(Config cfg) {
  auto st = db::Migrate(*db, "events", events::SchemaMigrations());
  if (!st) throw ErrorException(st.error());
  st = db::Migrate(*db, kServiceName, Migrations());
  if (!st) throw ErrorException(st.error());
  bus.Subscribe("users", "user-tests", [this](const events::Envelope& e) -> Result<void> {
    seen_.push_back(e);
    return Ok();
  });
  relay_ = std::make_unique<events::OutboxRelay>(*db, bus, events::RelayOptions{.service = "user-service"});
  ctx = std::make_unique<runtime::ServiceContext>(runtime::ServiceContext{
      std::string(kServiceName), *db, bus, module, clock, nullptr, data_dir.path().string(),
      [](std::string_view) -> http::Upstream& { throw std::logic_error("the user-service calls no one"); }});
  component = std::make_unique<Component>(*ctx, std::move(cfg));
}

Harness::~Harness() {
  component->Stop();
  module.Stop();
}

http::Response Harness::Call(http::Method m, std::string target, std::string body, std::string_view token,
                             std::string_view ip) {
  http::Request req;
  req.method = m;
  req.method_name = std::string(http::ToString(m));
  req.SetTarget(std::move(target));
  if (!body.empty()) req.headers.Set("Content-Type", "application/json");
  if (!token.empty()) req.headers.Set("Authorization", "Bearer " + std::string(token));
  req.body = std::move(body);
  req.remote_addr = std::string(ip);
  if (through_pipeline) {
    http::Pipeline pipeline({.service = std::string(kServiceName)},
                            [this](http::Request& r) { return module.Dispatch(r); });
    return shop::testing::RunAwait(pipeline.Handle(req));
  }
  req.ctx.request_id = "req-test";
  return shop::testing::RunAwait(module.Dispatch(req));
}

boost::json::object Harness::Body(const http::Response& res) {
  boost::system::error_code ec;
  auto v = boost::json::parse(res.body, ec);
  if (ec || !v.is_object()) return {};
  return v.as_object();
}

std::string Harness::Register(std::string_view email, std::string_view password, std::string_view name) {
  auto res = Call(http::Method::kPost, "/api/v1/auth/register",
                  json::Serialize(boost::json::object{{"email", email}, {"password", password}, {"name", name}}));
  EXPECT_EQ(res.status, 201) << res.body;
  auto body = Body(res);
  return body.contains("id") ? std::string(body.at("id").as_string()) : std::string{};
}

Tokens Harness::Login(std::string_view email, std::string_view password) {
  auto res = Call(http::Method::kPost, "/api/v1/auth/login",
                  json::Serialize(boost::json::object{{"email", email}, {"password", password}}));
  EXPECT_EQ(res.status, 200) << res.body;
  auto body = Body(res);
  if (!body.contains("access_token")) return {};
  return {std::string(body.at("access_token").as_string()), std::string(body.at("refresh_token").as_string())};
}

std::vector<events::Envelope> Harness::Published() {
  auto n = relay_->Drain();
  EXPECT_TRUE(n) << (n ? "" : n.error().detail);
  return seen_;
}

}  // namespace shop::user::testing
