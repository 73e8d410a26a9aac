// Signer, KeyRing, the key file and the JWKS: what the user-service issues, others verify.
#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <boost/json/parse.hpp>

#include <filesystem>
#include <fstream>

#include "shop/auth/signer.hpp"
#include "shop/core/strings.hpp"

namespace shop::auth {
namespace {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char tmpl[] = "/tmp/auth-test-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

int Mode(const std::filesystem::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 0777;
}

TEST(SignerTest, SignedTokenVerifiesWithItsPublicKey) {
  ManualClock clock;
  auto signer = Signer::Generate(clock);
  auto keys = std::make_shared<KeySet>();
  keys->Put(signer.kid(), signer.public_key());
  TokenVerifier verifier(keys, {}, clock);
  auto r = verifier.Verify(signer.Sign(Claims::For("u-1", "ann@example.com", true)));
  ASSERT_TRUE(r) << r.error().detail;
  EXPECT_EQ(r->user_id, "u-1");
  EXPECT_EQ(r->email, "ann@example.com");
  EXPECT_TRUE(r->is_admin);
  EXPECT_EQ(r->roles, std::vector<std::string>{"admin"});
  EXPECT_FALSE(r->jti.empty());
  EXPECT_EQ(r->expires_at, clock.NowMs() / 1000 * 1000 + 900'000);
}

TEST(SignerTest, TokenCarriesTheContractHeaderAndClaims) {
  ManualClock clock;
  auto signer = Signer::Generate(clock);
  const auto token = signer.Sign(Claims::For("u-1", "ann@example.com", false, 60));
  const auto parts = Split(token, '.');
  ASSERT_EQ(parts.size(), 3u);
  auto header = boost::json::parse(*Base64UrlDecode(parts[0])).as_object();
  EXPECT_EQ(header.at("alg"), "EdDSA");
  EXPECT_EQ(header.at("typ"), "JWT");
  EXPECT_EQ(header.at("kid").as_string(), signer.kid());
  auto claims = boost::json::parse(*Base64UrlDecode(parts[1])).as_object();
  const auto now_s = clock.NowMs() / 1000;
  EXPECT_EQ(claims.at("iss").as_string(), kIssuer);
  EXPECT_EQ(claims.at("aud").as_string(), kAudience);
  EXPECT_EQ(claims.at("sub"), "u-1");
  EXPECT_EQ(claims.at("iat").as_int64(), now_s);
  EXPECT_EQ(claims.at("nbf").as_int64(), now_s);
  EXPECT_EQ(claims.at("exp").as_int64(), now_s + 60);
  EXPECT_EQ(claims.at("roles"), (boost::json::array{"customer"}));
  EXPECT_TRUE(claims.at("jti").is_string());
}

TEST(SignerTest, EveryTokenHasItsOwnJti) {
  auto signer = Signer::Generate();
  const auto claims = Claims::For("u-1", "a@b.co", false);
  EXPECT_NE(signer.Sign(claims), signer.Sign(claims));
}

TEST(SignerTest, KidIsTheRfc7638ThumbprintAndStable) {
  const std::string seed(32, '\x07');
  auto a = Signer::FromSeed(seed);
  auto b = Signer::FromSeed(seed);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->kid(), b->kid());
  EXPECT_EQ(a->kid(), Thumbprint(a->public_key()));
  EXPECT_EQ(a->kid().size(), 43u);  // base64url of 32 bytes
  EXPECT_NE(a->kid(), Signer::Generate().kid());
}

// RFC 8037 Appendix A.1-A.3: the Ed25519 test key and its thumbprint.
TEST(SignerTest, MatchesRfc8037TestVector) {
  auto seed = Base64UrlDecode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A");
  ASSERT_TRUE(seed);
  auto s = Signer::FromSeed(*seed);
  ASSERT_TRUE(s);
  EXPECT_EQ(Base64UrlEncode(s->public_key()), "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
  EXPECT_EQ(s->kid(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
}

TEST(SignerTest, SeedOfTheWrongSizeIsInvalid) {
  auto r = Signer::FromSeed("short");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kInvalid);
}

TEST(KeySetTest, JwksRoundTrip) {
  auto a = Signer::Generate();
  auto b = Signer::Generate();
  KeySet keys;
  keys.Put(a.kid(), a.public_key());
  keys.Put(b.kid(), b.public_key());
  auto jwks = boost::json::parse(keys.ToJwks()).as_object();
  ASSERT_EQ(jwks.at("keys").as_array().size(), 2u);
  const auto& k0 = jwks.at("keys").as_array()[0].as_object();
  EXPECT_EQ(k0.at("kty"), "OKP");
  EXPECT_EQ(k0.at("crv"), "Ed25519");
  EXPECT_EQ(k0.at("alg"), "EdDSA");
  EXPECT_EQ(k0.at("use"), "sig");
  EXPECT_FALSE(k0.contains("d"));  // never the private part

  auto back = KeySet::FromJwks(keys.ToJwks());
  ASSERT_TRUE(back);
  EXPECT_EQ((*back)->Kids(), keys.Kids());
  EXPECT_EQ((*back)->Find(a.kid()), a.public_key());
  // A verifier built from the published JWKS accepts the signer's tokens.
  TokenVerifier verifier(*back);
  EXPECT_TRUE(verifier.Verify(b.Sign(Claims::For("u", "e@x.io", false))));
}

TEST(KeySetTest, FromJwksSkipsForeignKeysAndRejectsGarbage) {
  auto a = Signer::Generate();
  const std::string jwks = R"({"keys":[{"kty":"RSA","kid":"r","n":"AQAB","e":"AQAB"},)"
                           R"({"kty":"OKP","crv":"Ed25519","alg":"HS256","kid":"h","x":")" +
                           Base64UrlEncode(a.public_key()) + R"("},)"
                           R"({"kty":"OKP","crv":"Ed25519","kid":"short","x":"AAAA"},)"
                           R"({"kty":"OKP","crv":"Ed25519","kid":"ok","x":")" +
                           Base64UrlEncode(a.public_key()) + R"("}]})";
  auto keys = KeySet::FromJwks(jwks);
  ASSERT_TRUE(keys);
  EXPECT_EQ((*keys)->Kids(), std::vector<std::string>{"ok"});
  EXPECT_FALSE(KeySet::FromJwks("not json"));
  EXPECT_FALSE(KeySet::FromJwks(R"({"nokeys":1})"));
}

TEST(KeyRingTest, RotationKeepsTheOldKidValidUntilItsTokensExpire) {
  ManualClock clock;
  KeyRing ring(Signer::Generate(clock), {}, "", clock);
  TokenVerifier verifier(ring.keys(), {}, clock);
  const auto old_kid = ring.signer()->kid();
  const auto old_token = ring.signer()->Sign(Claims::For("u", "e@x.io", false));

  ASSERT_TRUE(ring.Rotate(Signer::Generate(clock), (900 + 30) * 1000));
  EXPECT_NE(ring.signer()->kid(), old_kid);
  EXPECT_TRUE(verifier.Verify(old_token)) << "tokens of the previous key stay valid";
  EXPECT_TRUE(verifier.Verify(ring.signer()->Sign(Claims::For("u", "e@x.io", false))));
  EXPECT_EQ(ring.keys()->Kids().size(), 2u);

  clock.Advance(931 * 1000);
  ASSERT_TRUE(ring.Prune());
  EXPECT_EQ(ring.keys()->Kids(), std::vector<std::string>{ring.signer()->kid()});
  EXPECT_FALSE(verifier.Verify(old_token));
}

TEST(KeyRingTest, FirstStartGeneratesAKeyFileWithMode0600AndReusesIt) {
  TempDir dir;
  auto first = LoadKeyRing({.data_dir = (dir.path / "data").string()});
  ASSERT_TRUE(first) << first.error().detail;
  const auto file = dir.path / "data" / "jwt-signing.key";
  ASSERT_TRUE(std::filesystem::exists(file));
  EXPECT_EQ(Mode(file), 0600);
  auto second = LoadKeyRing({.data_dir = (dir.path / "data").string()});
  ASSERT_TRUE(second);
  EXPECT_EQ((*second)->signer()->kid(), (*first)->signer()->kid());
}

TEST(KeyRingTest, RotationIsPersistedAndSurvivesARestart) {
  TempDir dir;
  ManualClock clock;
  const auto file = (dir.path / "keys" / "signing.key").string();
  auto ring = LoadKeyRing({.key_file = file}, clock);
  ASSERT_TRUE(ring);
  const auto old_kid = (*ring)->signer()->kid();
  ASSERT_TRUE((*ring)->Rotate(Signer::Generate(clock), 60'000));
  EXPECT_EQ(Mode(file), 0600);

  auto reloaded = LoadKeyRing({.key_file = file}, clock);
  ASSERT_TRUE(reloaded);
  EXPECT_EQ((*reloaded)->signer()->kid(), (*ring)->signer()->kid());
  EXPECT_TRUE((*reloaded)->keys()->Find(old_kid));

  clock.Advance(61'000);
  auto after_expiry = LoadKeyRing({.key_file = file}, clock);
  ASSERT_TRUE(after_expiry);
  EXPECT_FALSE((*after_expiry)->keys()->Find(old_kid));
  EXPECT_TRUE((*after_expiry)->retired().empty());
}

TEST(KeyRingTest, KeyFileReadableByOthersIsRefused) {
  TempDir dir;
  const auto file = (dir.path / "k.key").string();
  ASSERT_TRUE(LoadKeyRing({.key_file = file}));
  ::chmod(file.c_str(), 0644);
  auto r = LoadKeyRing({.key_file = file});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kInvalid);
}

TEST(KeyRingTest, CorruptKeyFileIsInvalid) {
  TempDir dir;
  const auto file = (dir.path / "k.key").string();
  {
    std::ofstream out(file);
    out << "current not-base64!\n";
  }
  ::chmod(file.c_str(), 0600);
  auto r = LoadKeyRing({.key_file = file});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kInvalid);
}

TEST(KeyRingTest, PrivateKeyFromTheEnvironmentWinsAndWritesNothing) {
  TempDir dir;
  const std::string seed(32, '\x2a');
  auto ring = LoadKeyRing({.private_key = Base64UrlEncode(seed), .data_dir = dir.path.string()});
  ASSERT_TRUE(ring);
  EXPECT_EQ((*ring)->signer()->kid(), Signer::FromSeed(seed)->kid());
  EXPECT_TRUE(std::filesystem::is_empty(dir.path));
  auto bad = LoadKeyRing({.private_key = "dG9vLXNob3J0"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().fields.at(0).field, "JWT_PRIVATE_KEY");
}

}  // namespace
}  // namespace shop::auth
