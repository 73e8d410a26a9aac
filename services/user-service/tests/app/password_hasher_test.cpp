// Argon2id through libsodium: verify, parameters in the hash, re-hash detection.
#include <gtest/gtest.h>

#include "app/password_hasher.hpp"

namespace shop::user {
namespace {

PasswordHasher Fast() { return *PasswordHasher::Create({.opslimit = 1, .memlimit_kib = 8}); }

TEST(PasswordHasherTest, HashVerifiesOnlyTheRightPassword) {
  auto h = Fast();
  auto hash = h.Hash("correct horse");
  ASSERT_TRUE(hash);
  EXPECT_TRUE(hash->starts_with("$argon2id$"));
  EXPECT_EQ(hash->find("correct horse"), std::string::npos);
  EXPECT_TRUE(h.Verify(*hash, "correct horse"));
  EXPECT_FALSE(h.Verify(*hash, "correct horsE"));
  EXPECT_FALSE(h.Verify("not-a-hash", "correct horse"));
  EXPECT_FALSE(h.Verify("", ""));
}

TEST(PasswordHasherTest, SamePasswordHashesDifferentlyEachTime) {
  auto h = Fast();
  EXPECT_NE(*h.Hash("same password"), *h.Hash("same password"));
}

TEST(PasswordHasherTest, NeedsRehashWhenParametersChange) {
  auto weak = Fast();
  auto strong = *PasswordHasher::Create({.opslimit = 2, .memlimit_kib = 16});
  auto hash = *weak.Hash("password-1");
  EXPECT_FALSE(weak.NeedsRehash(hash));
  EXPECT_TRUE(strong.NeedsRehash(hash));
  EXPECT_TRUE(strong.Verify(hash, "password-1")) << "old hashes still verify: their parameters travel with them";
}

TEST(PasswordHasherTest, ParametersBelowLibsodiumMinimumAreInvalid) {
  EXPECT_FALSE(PasswordHasher::Create({.opslimit = 0, .memlimit_kib = 8}));
  EXPECT_FALSE(PasswordHasher::Create({.opslimit = 1, .memlimit_kib = 1}));
}

// The production parameters: OWASP's Argon2id minimum (m = 19 MiB, t = 2, p = 1).
TEST(PasswordHasherTest, DefaultParametersAreOwaspArgon2id) {
  auto h = PasswordHasher::Create({});
  ASSERT_TRUE(h);
  auto hash = h->Hash("owasp parameters");
  ASSERT_TRUE(hash);
  EXPECT_TRUE(hash->starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << *hash;
  EXPECT_TRUE(h->Verify(*hash, "owasp parameters"));
}

}  // namespace
}  // namespace shop::user
