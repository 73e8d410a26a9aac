#include "api/request_helpers.hpp"

#include <algorithm>

#include "shop/core/strings.hpp"

namespace shop::order::api {
namespace {
constexpr int kDefaultLimit = 20;
constexpr int kMaxLimit = 100;
}  // namespace

Result<app::Actor> ActorOf(const http::Request& req, const auth::TokenVerifier& verifier) {
  auto principal = auth::Authenticate(req, verifier);
  if (!principal) return principal.error();
  return app::Actor{principal->user_id, principal->is_admin};
}

Result<app::ListQuery> ParseListQuery(const http::Request& req) {
  app::ListQuery q;
  q.limit = kDefaultLimit;
  if (auto limit = req.QueryParam("limit")) {
    auto n = ParseInt(*limit);
    if (!n || *n < 1) return Error::BadRequest("limit must be a positive integer");
    q.limit = static_cast<int>(std::min<std::int64_t>(*n, kMaxLimit));
  }
  if (auto cursor = req.QueryParam("cursor"); cursor && !cursor->empty()) q.cursor = std::move(*cursor);
  if (auto status = req.QueryParam("status"); status && !status->empty()) {
    std::string upper = *status;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
    q.status = domain::ParseStatus(upper);
    if (!q.status) {
      return Error::Invalid("status", "must be one of PENDING, RESERVED, PAID, SHIPPED, DELIVERED, CANCELLED, "
                                      "REJECTED, REFUNDED");
    }
  }
  return q;
}

}  // namespace shop::order::api
