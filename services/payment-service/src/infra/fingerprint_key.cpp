#include "infra/fingerprint_key.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "shop/core/strings.hpp"

namespace shop::payment::infra {
namespace {

constexpr std::size_t kKeyBytes = crypto_auth_hmacsha256_KEYBYTES;

Result<std::string> ReadKey(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (key.size() != kKeyBytes) {
    return Error::Invalid("DATA_DIR", path + " must hold exactly " + std::to_string(kKeyBytes) + " bytes");
  }
  return key;
}

}  // namespace

Result<std::string> LoadOrCreateFingerprintKey(const std::string& path) {
  if (sodium_init() < 0) return Error::Internal("libsodium failed to initialise");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return ReadKey(path);
    return Error::Invalid("DATA_DIR", "cannot create " + path + ": " + std::strerror(errno));
  }
  std::string key(kKeyBytes, '\0');
  randombytes_buf(key.data(), key.size());
  const bool ok = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    return Error::Invalid("DATA_DIR", "cannot write " + path);
  }
  return key;
}

std::string KeyedFingerprint(std::string_view key, std::string_view fingerprint) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(fingerprint.data()), fingerprint.size());
  crypto_auth_hmacsha256_final(&st, mac);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(mac), sizeof mac));
}

}  // namespace shop::payment::infra
