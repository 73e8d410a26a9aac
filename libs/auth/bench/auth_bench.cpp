// Micro-benchmarks of the token path (issue 3 "Benchmark"): Ed25519 signing, verification with
// and without the verified-token cache, and the Argon2id verification that bounds logins/s.
//   auth_bench --benchmark_filter=Verify
#include <benchmark/benchmark.h>
#include <sodium.h>

#include "shop/auth/signer.hpp"

namespace {

using namespace shop::auth;

struct Fixture {
  Signer signer = Signer::Generate();
  std::shared_ptr<KeySet> keys = std::make_shared<KeySet>();
  Fixture() { keys->Put(signer.kid(), signer.public_key()); }
};

void BM_Sign(benchmark::State& state) {
  Fixture f;
  const auto claims = Claims::For("01936b8e-4f2a-7c3d-9e1f-0a1b2c3d4e5f", "ann@example.com", false);
  for (auto _ : state) benchmark::DoNotOptimize(f.signer.Sign(claims));
}
BENCHMARK(BM_Sign);

// Every call does the full work: parse, pinned alg, kid, Ed25519 verify, claims.
void BM_VerifyUncached(benchmark::State& state) {
  Fixture f;
  TokenVerifier verifier(f.keys, VerifierOptions{.cache_capacity = 0});
  const auto token = f.signer.Sign(Claims::For("u-1", "ann@example.com", false));
  for (auto _ : state) benchmark::DoNotOptimize(verifier.Verify(token));
}
BENCHMARK(BM_VerifyUncached);

// The hot path of an authenticated request: BLAKE2b of the token and a cache hit.
void BM_VerifyCached(benchmark::State& state) {
  Fixture f;
  TokenVerifier verifier(f.keys);
  const auto token = f.signer.Sign(Claims::For("u-1", "ann@example.com", false));
  (void)verifier.Verify(token);
  for (auto _ : state) benchmark::DoNotOptimize(verifier.Verify(token));
}
BENCHMARK(BM_VerifyCached)->Threads(1)->Threads(2);

void BM_RejectForgedAlgNone(benchmark::State& state) {
  Fixture f;
  TokenVerifier verifier(f.keys);
  const std::string token =
      "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ1LTEiLCJyb2xlcyI6WyJhZG1pbiJdfQ.";
  for (auto _ : state) benchmark::DoNotOptimize(verifier.Verify(token));
}
BENCHMARK(BM_RejectForgedAlgNone);

// One login = one Argon2id verification at the production parameters (OWASP: m=19 MiB, t=2).
void BM_Argon2idVerifyOwasp(benchmark::State& state) {
  if (sodium_init() < 0) state.SkipWithError("sodium_init");
  char hash[crypto_pwhash_STRBYTES];
  const std::string pw = "correct horse battery staple";
  if (crypto_pwhash_str_alg(hash, pw.data(), pw.size(), 2, 19456 * 1024, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    state.SkipWithError("out of memory");
  }
  for (auto _ : state) benchmark::DoNotOptimize(crypto_pwhash_str_verify(hash, pw.data(), pw.size()));
}
BENCHMARK(BM_Argon2idVerifyOwasp)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
