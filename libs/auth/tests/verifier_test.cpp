// The verifier against real forged tokens: each forgery changes one thing from a baseline that
// verifies, so a rejection can only come from that change.
#include <gtest/gtest.h>

#include "forge.hpp"
#include "shop/auth/auth.hpp"

namespace shop::auth {
namespace {

using namespace shop::auth::testing;

class VerifierTest : public ::testing::Test {
 protected:
  VerifierTest() : keys_(std::make_shared<KeySet>()), verifier_(keys_, {}, clock_) {
    keys_->Put(key_.kid, key_.pk);
  }

  Result<Principal> Verify(const std::string& token) { return verifier_.Verify(token); }
  static std::string Why(const Result<Principal>& r) { return r ? "ok" : r.error().detail; }
  std::int64_t Now() const { return Seconds(clock_); }

  ManualClock clock_;
  TestKey key_;
  std::shared_ptr<KeySet> keys_;
  TokenVerifier verifier_;
};

TEST_F(VerifierTest, WellFormedTokenVerifies) {
  auto r = Verify(EdToken(GoodHeader(key_), GoodClaims(Now()), key_));
  ASSERT_TRUE(r) << Why(r);
  EXPECT_EQ(r->user_id, "user-1");
  EXPECT_EQ(r->email, "a@b.co");
  EXPECT_EQ(r->jti, "jti-1");
  EXPECT_FALSE(r->is_admin);
  EXPECT_EQ(r->roles, std::vector<std::string>{"customer"});
  EXPECT_EQ(r->expires_at, (Now() + 900) * 1000);
}

TEST_F(VerifierTest, AdminRoleMakesAnAdminPrincipal) {
  auto claims = GoodClaims(Now());
  claims["roles"] = boost::json::array{"admin"};
  auto r = Verify(EdToken(GoodHeader(key_), claims, key_));
  ASSERT_TRUE(r) << Why(r);
  EXPECT_TRUE(r->is_admin);
}

TEST_F(VerifierTest, AlgNoneIsRejected) {
  auto header = GoodHeader(key_);
  header["alg"] = "none";
  const auto input = SigningInput(header, GoodClaims(Now()));
  auto unsigned_token = Verify(input + ".");
  ASSERT_FALSE(unsigned_token);
  EXPECT_EQ(unsigned_token.error().code, Errc::kUnauthenticated);
  // Even with a signature that is valid for the bytes, "none" is not EdDSA.
  auto r = Verify(input + "." + Ed25519Sign(input, key_));
  ASSERT_FALSE(r);
  EXPECT_EQ(Why(r), "unsupported algorithm");
}

TEST_F(VerifierTest, Hs256SignedWithThePublicKeyIsRejected) {
  auto header = GoodHeader(key_);
  header["alg"] = "HS256";
  const auto input = SigningInput(header, GoodClaims(Now()));
  // Algorithm confusion: the attacker uses the public key (raw bytes, or as published) as the secret.
  for (const std::string& secret : {key_.pk, B64(key_.pk), keys_->ToJwks()}) {
    auto r = Verify(input + "." + HmacSha256(input, secret));
    ASSERT_FALSE(r);
    EXPECT_EQ(Why(r), "unsupported algorithm");
  }
}

TEST_F(VerifierTest, AlgorithmNamesAreMatchedExactly) {
  for (const char* alg : {"eddsa", "Ed25519", "ES256", "RS256", ""}) {
    auto header = GoodHeader(key_);
    header["alg"] = alg;
    EXPECT_EQ(Why(Verify(EdToken(header, GoodClaims(Now()), key_))), "unsupported algorithm") << alg;
  }
  auto header = GoodHeader(key_);
  header.erase("alg");
  EXPECT_EQ(Why(Verify(EdToken(header, GoodClaims(Now()), key_))), "unsupported algorithm");
}

TEST_F(VerifierTest, UnknownKidIsRejected) {
  auto header = GoodHeader(key_);
  header["kid"] = "someone-elses";
  EXPECT_EQ(Why(Verify(EdToken(header, GoodClaims(Now()), key_))), "unknown key");
  header.erase("kid");
  EXPECT_EQ(Why(Verify(EdToken(header, GoodClaims(Now()), key_))), "unknown key");
}

TEST_F(VerifierTest, TokenSignedByAnotherKeyUnderAKnownKidIsRejected) {
  TestKey other;  // same kid "test-kid", different key
  EXPECT_EQ(Why(Verify(EdToken(GoodHeader(key_), GoodClaims(Now()), other))), "bad signature");
}

TEST_F(VerifierTest, ExpiredBeyondLeewayIsRejected) {
  auto claims = GoodClaims(Now() - 1000);
  claims["exp"] = Now() - 31;
  EXPECT_EQ(Why(Verify(EdToken(GoodHeader(key_), claims, key_))), "token expired");
}

TEST_F(VerifierTest, ExpiredWithinLeewayIsAccepted) {
  auto claims = GoodClaims(Now() - 1000);
  claims["exp"] = Now() - 29;
  EXPECT_TRUE(Verify(EdToken(GoodHeader(key_), claims, key_)));
}

TEST_F(VerifierTest, TokenWithoutExpiryIsRejected) {
  auto claims = GoodClaims(Now());
  claims.erase("exp");
  EXPECT_FALSE(Verify(EdToken(GoodHeader(key_), claims, key_)));
}

TEST_F(VerifierTest, NotYetValidIsRejected) {
  auto claims = GoodClaims(Now());
  claims["nbf"] = Now() + 120;
  EXPECT_EQ(Why(Verify(EdToken(GoodHeader(key_), claims, key_))), "token not yet valid");
  claims["nbf"] = Now() + 20;  // within the leeway: clock skew between hosts
  EXPECT_TRUE(Verify(EdToken(GoodHeader(key_), claims, key_)));
  auto future_iat = GoodClaims(Now());
  future_iat["iat"] = Now() + 120;
  EXPECT_EQ(Why(Verify(EdToken(GoodHeader(key_), future_iat, key_))), "token not yet valid");
}

TEST_F(VerifierTest, WrongAudienceIsRejected) {
  auto claims = GoodClaims(Now());
  claims["aud"] = "another-api";
  EXPECT_EQ(Why(Verify(EdToken(GoodHeader(key_), claims, key_))), "wrong audience");
  claims["aud"] = boost::json::array{"another-api", kAudience};
  EXPECT_TRUE(Verify(EdToken(GoodHeader(key_), claims, key_)));
  claims.erase("aud");
  EXPECT_EQ(Why(Verify(EdToken(GoodHeader(key_), claims, key_))), "wrong audience");
}

TEST_F(VerifierTest, WrongIssuerIsRejected) {
  auto claims = GoodClaims(Now());
  claims["iss"] = "https://evil.example";
  EXPECT_EQ(Why(Verify(EdToken(GoodHeader(key_), claims, key_))), "wrong issuer");
}

TEST_F(VerifierTest, TamperedPayloadIsRejected) {
  const auto token = EdToken(GoodHeader(key_), GoodClaims(Now()), key_);
  auto claims = GoodClaims(Now());
  claims["roles"] = boost::json::array{"admin"};
  const auto dot1 = token.find('.');
  const auto dot2 = token.rfind('.');
  const auto tampered = token.substr(0, dot1 + 1) + B64(boost::json::serialize(claims)) + token.substr(dot2);
  EXPECT_EQ(Why(Verify(tampered)), "bad signature");
}

TEST_F(VerifierTest, TamperedSignatureIsRejected) {
  auto token = EdToken(GoodHeader(key_), GoodClaims(Now()), key_);
  token[token.size() - 5] = token[token.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(Verify(token));
}

TEST_F(VerifierTest, BadBase64IsRejected) {
  const auto token = EdToken(GoodHeader(key_), GoodClaims(Now()), key_);
  const auto dot1 = token.find('.');
  EXPECT_EQ(Why(Verify("!!" + token)), "malformed token");
  // A payload that is not base64url, correctly signed (so only the decoding can reject it).
  const auto bad_payload = token.substr(0, dot1 + 1) + "*" + B64(boost::json::serialize(GoodClaims(Now())));
  EXPECT_EQ(Why(Verify(bad_payload + "." + Ed25519Sign(bad_payload, key_))), "malformed token");
  // Corrupting the payload of a signed token breaks the signature first.
  EXPECT_FALSE(Verify(token.substr(0, dot1 + 1) + "*" + token.substr(dot1 + 1)));
  EXPECT_EQ(Why(Verify(token + "==")), "malformed token");
  EXPECT_EQ(Why(Verify(token + ".extra")), "malformed token");
  EXPECT_EQ(Why(Verify("not-a-jwt")), "malformed token");
  EXPECT_EQ(Why(Verify("")), "malformed token");
  EXPECT_EQ(Why(Verify(std::string(9000, 'a'))), "malformed token");
}

TEST_F(VerifierTest, HeaderThatIsNotJsonIsRejected) {
  const auto input = B64("[1,2]") + "." + B64(boost::json::serialize(GoodClaims(Now())));
  EXPECT_EQ(Why(Verify(input + "." + Ed25519Sign(input, key_))), "malformed token");
}

TEST_F(VerifierTest, CriticalHeaderIsRejected) {
  auto header = GoodHeader(key_);
  header["crit"] = boost::json::array{"exp"};
  EXPECT_FALSE(Verify(EdToken(header, GoodClaims(Now()), key_)));
}

TEST_F(VerifierTest, CacheDoesNotHonourAnExpiredToken) {
  const auto token = EdToken(GoodHeader(key_), GoodClaims(Now()), key_);
  ASSERT_TRUE(Verify(token));
  ASSERT_TRUE(Verify(token));  // served from the cache
  EXPECT_EQ(verifier_.CachedTokens(), 1u);
  clock_.Advance((900 + 31) * 1000);
  EXPECT_EQ(Why(Verify(token)), "token expired");
}

TEST_F(VerifierTest, CacheDoesNotHonourATokenWhoseKeyWasRemoved) {
  const auto token = EdToken(GoodHeader(key_), GoodClaims(Now()), key_);
  ASSERT_TRUE(Verify(token));
  keys_->Remove(key_.kid);
  EXPECT_EQ(Why(Verify(token)), "unknown key");
}

TEST_F(VerifierTest, SetKeysEmptiesTheCache) {
  const auto token = EdToken(GoodHeader(key_), GoodClaims(Now()), key_);
  ASSERT_TRUE(Verify(token));
  verifier_.SetKeys(std::make_shared<KeySet>());
  EXPECT_EQ(verifier_.CachedTokens(), 0u);
  EXPECT_EQ(Why(Verify(token)), "unknown key");
}

TEST(VerifierCacheTest, CacheStaysWithinItsCapacity) {
  ManualClock clock;
  TestKey key;
  auto keys = std::make_shared<KeySet>();
  keys->Put(key.kid, key.pk);
  TokenVerifier verifier(keys, VerifierOptions{.cache_capacity = 64}, clock);
  for (int i = 0; i < 500; ++i) {
    auto claims = GoodClaims(Seconds(clock));
    claims["jti"] = "jti-" + std::to_string(i);
    ASSERT_TRUE(verifier.Verify(EdToken(GoodHeader(key), claims, key)));
  }
  EXPECT_LE(verifier.CachedTokens(), 64u);
  EXPECT_GT(verifier.CachedTokens(), 0u);
}

}  // namespace
}  // namespace shop::auth
