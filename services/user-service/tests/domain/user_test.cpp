// The account field rules: email normalisation and validation, name and password bounds.
#include <gtest/gtest.h>

#include "domain/user.hpp"

namespace shop::user {
namespace {

TEST(UserRulesTest, EmailIsTrimmedAndLowerCased) {
  EXPECT_EQ(NormalizeEmail("  Ann.Lee@Example.COM \t"), "ann.lee@example.com");
}

TEST(UserRulesTest, ValidEmailsPass) {
  for (const char* e : {"a@b.co", "ann+shop@example.com", "x.y_z-1@sub.example.org"}) {
    EXPECT_FALSE(EmailProblem(e)) << e;
  }
}

TEST(UserRulesTest, MalformedEmailsAreRejected) {
  for (const char* e : {"", "plain", "@example.com", "ann@", "ann@example", "a@@b.co", "a b@c.io", "ann@.com",
                        "ann@example.com.", "ann@exa..mple.com", "<a@b.co>", "a@b,c.io"}) {
    EXPECT_TRUE(EmailProblem(e)) << e;
  }
  EXPECT_TRUE(EmailProblem(std::string(250, 'a') + "@b.co"));
}

TEST(UserRulesTest, NameIsBetweenOneAndHundredCharacters) {
  EXPECT_TRUE(NameProblem(""));
  EXPECT_FALSE(NameProblem("A"));
  EXPECT_FALSE(NameProblem(std::string(100, 'n')));
  EXPECT_TRUE(NameProblem(std::string(101, 'n')));
  // 100 two-byte characters are 100 characters, not 200.
  std::string accented;
  for (int i = 0; i < 100; ++i) accented += "\xc3\xa9";
  EXPECT_FALSE(NameProblem(accented));
  EXPECT_TRUE(NameProblem("bad\nname"));
}

TEST(UserRulesTest, PasswordIsBetweenEightAndHundredTwentyEightCharacters) {
  EXPECT_TRUE(PasswordProblem("1234567"));
  EXPECT_FALSE(PasswordProblem("12345678"));
  EXPECT_FALSE(PasswordProblem(std::string(128, 'p')));
  EXPECT_TRUE(PasswordProblem(std::string(129, 'p')));
  EXPECT_FALSE(PasswordProblem("  spaces count  "));
}

TEST(UserRulesTest, NewUserValidationNamesEveryBadField) {
  auto r = ValidateNewUser("nope", "", "short");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kInvalid);
  ASSERT_EQ(r.error().fields.size(), 3u);
  EXPECT_EQ(r.error().fields[0].field, "email");
  EXPECT_EQ(r.error().fields[1].field, "name");
  EXPECT_EQ(r.error().fields[2].field, "password");
}

}  // namespace
}  // namespace shop::user
