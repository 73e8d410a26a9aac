// Token verification cost (issue 3): verifications per second per core, with and without the
// verified-token cache, and the Argon2id hash time that bounds logins per core. Each figure is
// reported beside a reference measured in the same run (a SHA-256 of the same token bytes).
#include <benchmark/benchmark.h>
#include <sodium.h>

#include "shop/auth/auth.hpp"
#include "shop/auth/signer.hpp"
#include "shop/http/router.hpp"

namespace {

struct Keys {
  shop::auth::Signer signer = shop::auth::Signer::Generate();
  std::shared_ptr<shop::auth::KeySet> set = std::make_shared<shop::auth::KeySet>();
  std::string token;
  Keys() {
    set->Put(signer.kid(), signer.public_key());
    token = signer.Sign(shop::auth::Claims::For("0193a000-0000-7000-8000-000000000001", "a@b.c", false));
  }
};

Keys& K() {
  static Keys k;
  return k;
}

void BM_Sha256OfTokenReference(benchmark::State& state) {
  unsigned char out[crypto_hash_sha256_BYTES];
  for (auto _ : state) {
    crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(K().token.data()), K().token.size());
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_Sha256OfTokenReference);

void BM_VerifyCached(benchmark::State& state) {
  shop::auth::TokenVerifier v(K().set);
  for (auto _ : state) benchmark::DoNotOptimize(v.Verify(K().token));
}
BENCHMARK(BM_VerifyCached);

void BM_VerifyUncached(benchmark::State& state) {
  shop::auth::VerifierOptions o;
  o.cache_capacity = 0;
  shop::auth::TokenVerifier v(K().set, o);
  for (auto _ : state) benchmark::DoNotOptimize(v.Verify(K().token));
}
BENCHMARK(BM_VerifyUncached);

void BM_Argon2idHashOwaspMinimum(benchmark::State& state) {
  char out[crypto_pwhash_STRBYTES];
  for (auto _ : state) {
    if (crypto_pwhash_str(out, "correct horse battery", 21, 2, 19 * 1024 * 1024) != 0) state.SkipWithError("oom");
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_Argon2idHashOwaspMinimum)->Unit(benchmark::kMillisecond)->Iterations(10);

void BM_RouterMatch(benchmark::State& state) {
  shop::http::Router r;
  for (auto p : {"/api/v1/products", "/api/v1/products/{id}", "/api/v1/categories", "/api/v1/inventory/{id}",
                 "/api/v1/orders", "/api/v1/orders/{id}", "/api/v1/orders/{id}/cancel", "/api/v1/payments/{id}"}) {
    r.Get(p, [](shop::http::Request&) { return shop::http::Response{}; });
  }
  shop::http::PathParams params;
  for (auto _ : state) {
    params.clear();
    benchmark::DoNotOptimize(r.Find(shop::http::Method::kGet, "/api/v1/orders/0193a000-0000/cancel", params));
  }
}
BENCHMARK(BM_RouterMatch);

}  // namespace
