#include <gtest/gtest.h>

#include <atomic>

#include "shop/auth/auth.hpp"
#include "shop/auth/signer.hpp"

namespace shop::auth {
namespace {

TEST(UnknownKidHookTest, TokenFromAnUnknownKeyAsksForAJwksRefresh) {
  auto keys = std::make_shared<KeySet>();
  auto known = Signer::Generate();
  keys->Put(known.kid(), known.public_key());
  std::atomic<int> calls{0};
  VerifierOptions o;
  o.on_unknown_kid = [&calls] { ++calls; };
  TokenVerifier v(keys, o);

  EXPECT_TRUE(v.Verify(known.Sign(Claims::For("u1", "a@b.c", false))));
  EXPECT_EQ(calls.load(), 0);

  auto rotated = Signer::Generate();  // the user-service rotated its key; we have not seen the JWKS yet
  auto r = v.Verify(rotated.Sign(Claims::For("u1", "a@b.c", false)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kUnauthenticated);
  EXPECT_EQ(calls.load(), 1);

  // After the refresh brings the new key, the same kind of token verifies.
  auto refreshed = std::make_shared<KeySet>();
  refreshed->Put(known.kid(), known.public_key());
  refreshed->Put(rotated.kid(), rotated.public_key());
  v.SetKeys(refreshed);
  EXPECT_TRUE(v.Verify(rotated.Sign(Claims::For("u1", "a@b.c", false))));
  EXPECT_EQ(calls.load(), 1);
}

TEST(UnknownKidHookTest, ForgedAlgorithmNeverTriggersARefresh) {
  std::atomic<int> calls{0};
  VerifierOptions o;
  o.on_unknown_kid = [&calls] { ++calls; };
  TokenVerifier v(std::make_shared<KeySet>(), o);
  // {"alg":"none","kid":"x"}.{"sub":"u"}.
  EXPECT_FALSE(v.Verify("eyJhbGciOiJub25lIiwia2lkIjoieCJ9.eyJzdWIiOiJ1In0."));
  EXPECT_EQ(calls.load(), 0);
}

}  // namespace
}  // namespace shop::auth
