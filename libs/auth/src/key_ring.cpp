// KeyRing and the key file: loading, first-start generation (0600), rotation, pruning.
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "shop/auth/signer.hpp"
#include "shop/core/strings.hpp"

namespace shop::auth {

namespace {

constexpr std::string_view kDefaultKeyFileName = "jwt-signing.key";

Error IoError(std::string_view what, const std::string& path) {
  return Error::Unavailable(std::string(what) + " " + path + ": " + std::strerror(errno), 0);
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const auto n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

struct ParsedFile {
  std::string seed;
  std::vector<RetiredKey> retired;
};

Result<ParsedFile> ParseKeyFile(const std::string& text, const std::string& path) {
  ParsedFile out;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  auto bad = [&](std::string_view why) {
    return Error::Invalid("JWT_KEY_FILE", path + " line " + std::to_string(n) + ": " + std::string(why));
  };
  while (std::getline(in, line)) {
    ++n;
    auto fields = Split(Trim(line), ' ');
    if (fields.empty() || fields[0].empty() || fields[0][0] == '#') continue;
    if (fields[0] == "current" && fields.size() == 2) {
      auto seed = Base64UrlDecode(fields[1]);
      if (!seed || seed->size() != crypto_sign_SEEDBYTES) return bad("not a base64url 32-byte seed");
      out.seed = std::move(*seed);
    } else if (fields[0] == "retired" && fields.size() == 4) {
      auto pk = Base64UrlDecode(fields[2]);
      auto at = ParseInt(fields[3]);
      if (!pk || pk->size() != crypto_sign_PUBLICKEYBYTES || !at) return bad("malformed retired key");
      out.retired.push_back({std::string(fields[1]), std::move(*pk), *at});
    } else {
      return bad("expected 'current <seed>' or 'retired <kid> <public key> <retire_at_ms>'");
    }
  }
  if (out.seed.empty()) return Error::Invalid("JWT_KEY_FILE", path + ": no 'current' key");
  return out;
}

Result<std::string> ReadPrivateFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return IoError("cannot stat", path);
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return Error::Invalid("JWT_KEY_FILE", path + " is readable by group or others: chmod 600 it");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("cannot read", path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

Result<void> WriteKeyFile(const std::string& path, const Signer& current, const std::vector<RetiredKey>& retired) {
  std::string text = "# Ed25519 signing keys of the user-service (ADR 0002). Secret: keep 0600.\n";
  text += "current " + current.SeedBase64Url() + "\n";
  for (const auto& r : retired) {
    text += "retired " + r.kid + " " + Base64UrlEncode(r.public_key) + " " + std::to_string(r.retire_at) + "\n";
  }
  const std::filesystem::path p(path);
  std::error_code ec;
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  // O_EXCL + mode 0600 at creation: the secret is never briefly world-readable.
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("cannot create", tmp);
  const bool ok = WriteAll(fd, text) && ::fsync(fd) == 0;
  ::close(fd);
  sodium_memzero(text.data(), text.size());
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    auto err = IoError("cannot write", path);
    ::unlink(tmp.c_str());
    return err;
  }
  return Ok();
}

KeyRing::KeyRing(Signer current, std::vector<RetiredKey> retired, std::string file, const Clock& clock)
    : current_(std::make_shared<const Signer>(std::move(current))),
      retired_(std::move(retired)),
      keys_(std::make_shared<KeySet>()),
      file_(std::move(file)),
      clock_(clock) {
  keys_->Put(current_->kid(), current_->public_key());
  for (const auto& r : retired_) keys_->Put(r.kid, r.public_key);
}

std::shared_ptr<const Signer> KeyRing::signer() const {
  std::lock_guard lock(mu_);
  return current_;
}

std::vector<RetiredKey> KeyRing::retired() const {
  std::lock_guard lock(mu_);
  return retired_;
}

Result<void> KeyRing::Persist(const Signer& current, const std::vector<RetiredKey>& retired) const {
  if (file_.empty()) return Ok();
  return WriteKeyFile(file_, current, retired);
}

Result<void> KeyRing::Rotate(Signer next, std::int64_t keep_ms) {
  std::lock_guard lock(mu_);
  if (next.kid() == current_->kid()) return Ok();
  auto retired = retired_;
  retired.push_back({current_->kid(), current_->public_key(), clock_.NowMs() + keep_ms});
  if (auto r = Persist(next, retired); !r) return r;
  // Publish the new key before signing with it, so a verifier never sees an unknown kid.
  keys_->Put(next.kid(), next.public_key());
  retired_ = std::move(retired);
  current_ = std::make_shared<const Signer>(std::move(next));
  return Ok();
}

Result<void> KeyRing::Prune() {
  std::lock_guard lock(mu_);
  const auto now = clock_.NowMs();
  std::vector<RetiredKey> keep, gone;
  for (auto& r : retired_) (r.retire_at > now ? keep : gone).push_back(r);
  if (gone.empty()) return Ok();
  if (auto r = Persist(*current_, keep); !r) return r;
  for (const auto& g : gone) {
    if (g.kid != current_->kid()) keys_->Remove(g.kid);
  }
  retired_ = std::move(keep);
  return Ok();
}

Result<std::unique_ptr<KeyRing>> LoadKeyRing(const KeyOptions& options, const Clock& clock) {
  if (!options.private_key.empty()) {
    auto seed = Base64UrlDecode(Trim(options.private_key));
    if (!seed || seed->size() != crypto_sign_SEEDBYTES) {
      return Error::Invalid("JWT_PRIVATE_KEY", "must be the base64url encoding of a 32-byte Ed25519 seed");
    }
    auto signer = Signer::FromSeed(*seed, clock);
    sodium_memzero(seed->data(), seed->size());
    if (!signer) return signer.error();
    return std::make_unique<KeyRing>(std::move(*signer), std::vector<RetiredKey>{}, std::string{}, clock);
  }
  std::string path = options.key_file;
  if (path.empty()) path = (std::filesystem::path(options.data_dir.empty() ? "." : options.data_dir) /
                            std::string(kDefaultKeyFileName)).string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    auto signer = Signer::Generate(clock);
    if (auto w = WriteKeyFile(path, signer, {}); !w) return w.error();
    return std::make_unique<KeyRing>(std::move(signer), std::vector<RetiredKey>{}, path, clock);
  }
  auto text = ReadPrivateFile(path);
  if (!text) return text.error();
  auto parsed = ParseKeyFile(*text, path);
  sodium_memzero(text->data(), text->size());
  if (!parsed) return parsed.error();
  auto signer = Signer::FromSeed(parsed->seed, clock);
  sodium_memzero(parsed->seed.data(), parsed->seed.size());
  if (!signer) return signer.error();
  auto ring = std::make_unique<KeyRing>(std::move(*signer), std::move(parsed->retired), path, clock);
  if (auto p = ring->Prune(); !p) return p.error();
  return ring;
}

}  // namespace shop::auth
