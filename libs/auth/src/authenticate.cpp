// Authenticate / RequireAdmin: the Authorization header to a verified Principal.
#include "shop/auth/auth.hpp"
#include "shop/core/strings.hpp"

namespace shop::auth {

Result<Principal> Authenticate(const http::Request& req, const TokenVerifier& verifier) {
  const auto header = req.Header("Authorization");
  if (!header) return Error::Unauthenticated("missing bearer token");
  const auto value = Trim(*header);
  constexpr std::string_view kScheme = "Bearer";
  // RFC 6750: the scheme is case-insensitive and followed by one or more spaces.
  if (value.size() <= kScheme.size() || !IEquals(value.substr(0, kScheme.size()), kScheme) ||
      value[kScheme.size()] != ' ') {
    return Error::Unauthenticated("missing bearer token");
  }
  const auto token = Trim(value.substr(kScheme.size()));
  if (token.empty()) return Error::Unauthenticated("missing bearer token");
  return verifier.Verify(token);
}

Result<Principal> RequireAdmin(const http::Request& req, const TokenVerifier& verifier) {
  auto p = Authenticate(req, verifier);
  if (!p) return p;
  if (!p->is_admin) return Error::Forbidden("admin role required");
  return p;
}

}  // namespace shop::auth
