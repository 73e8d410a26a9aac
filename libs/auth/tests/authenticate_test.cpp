// Authenticate / RequireAdmin: the Authorization header to a Principal.
#include <gtest/gtest.h>

#include "shop/auth/signer.hpp"

namespace shop::auth {
namespace {

class AuthenticateTest : public ::testing::Test {
 protected:
  AuthenticateTest() : signer_(Signer::Generate()), keys_(std::make_shared<KeySet>()), verifier_(keys_) {
    keys_->Put(signer_.kid(), signer_.public_key());
  }
  http::Request WithAuthorization(std::string value) {
    http::Request req;
    req.headers.Set("Authorization", std::move(value));
    return req;
  }
  Signer signer_;
  std::shared_ptr<KeySet> keys_;
  TokenVerifier verifier_;
};

TEST_F(AuthenticateTest, BearerTokenAuthenticates) {
  auto token = signer_.Sign(Claims::For("u-9", "z@x.io", false));
  auto r = Authenticate(WithAuthorization("Bearer " + token), verifier_);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->user_id, "u-9");
  EXPECT_TRUE(Authenticate(WithAuthorization("bearer  " + token), verifier_)) << "scheme is case-insensitive";
}

TEST_F(AuthenticateTest, MissingOrNonBearerCredentialsAreUnauthenticated) {
  EXPECT_EQ(Authenticate(http::Request{}, verifier_).error().code, Errc::kUnauthenticated);
  EXPECT_EQ(Authenticate(WithAuthorization("Basic dXNlcjpwYXNz"), verifier_).error().code, Errc::kUnauthenticated);
  EXPECT_EQ(Authenticate(WithAuthorization("Bearer"), verifier_).error().code, Errc::kUnauthenticated);
  EXPECT_EQ(Authenticate(WithAuthorization("Bearer garbage"), verifier_).error().code, Errc::kUnauthenticated);
}

TEST_F(AuthenticateTest, RequireAdminForbidsCustomersAndAdmitsAdmins) {
  auto customer = RequireAdmin(WithAuthorization("Bearer " + signer_.Sign(Claims::For("c", "c@x.io", false))),
                               verifier_);
  ASSERT_FALSE(customer);
  EXPECT_EQ(customer.error().code, Errc::kForbidden);
  EXPECT_TRUE(RequireAdmin(WithAuthorization("Bearer " + signer_.Sign(Claims::For("a", "a@x.io", true))), verifier_));
  EXPECT_EQ(RequireAdmin(http::Request{}, verifier_).error().code, Errc::kUnauthenticated);
}

}  // namespace
}  // namespace shop::auth
