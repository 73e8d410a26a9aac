#include "shop/testing/testing.hpp"

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

namespace shop::testing {
namespace {

TEST(TempDirTest, CreatesAFreshDirectoryAndRemovesIt) {
  std::filesystem::path kept;
  {
    TempDir a, b;
    EXPECT_TRUE(std::filesystem::is_directory(a.path()));
    EXPECT_NE(a.path(), b.path());
    std::ofstream(a.path() / "file.txt") << "x";
    kept = a.path();
  }
  EXPECT_FALSE(std::filesystem::exists(kept));
}

TEST(TempDatabaseTest, OpensAFileBackedDatabaseInsideItsDirectory) {
  TempDatabase db;
  ASSERT_NE(db.db, nullptr);
  EXPECT_TRUE(std::filesystem::exists(db.dir.path() / "test.db"));
}

TEST(FreePortTest, ReturnsABindablePort) {
  const int port = FreePort();
  ASSERT_GT(port, 0);
  ASSERT_LT(port, 65536);
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ::close(fd);
}

TEST(RunAwaitTest, ReturnsTheCoroutinesValue) {
  auto answer = []() -> Task<int> { co_return 42; };
  EXPECT_EQ(RunAwait(answer()), 42);
}

}  // namespace
}  // namespace shop::testing
