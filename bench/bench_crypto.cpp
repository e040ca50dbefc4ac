// Encrypted-backup costs. Key derivation at iOS's real count (DPIC = 10,000,000 rounds of PBKDF2-HMAC-SHA256):
// lumiere's PBKDF2 next to OpenSSL's generic PKCS5_PBKDF2_HMAC and to the floor, 2 x DPIC raw SHA-256 block
// compressions measured in the same run. Then AES-256-CBC decryption throughput (one core) as file blobs
// are decrypted.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "core/crypto.hpp"

namespace {

namespace crypto = lumiere::crypto;

constexpr std::uint32_t kIosDpic = 10'000'000;

const std::vector<std::uint8_t>& password() {
  static const std::vector<std::uint8_t> kPassword{'c', 'o', 'r', 'r', 'e', 'c', 't', ' ', 'h', 'o', 'r', 's', 'e'};
  return kPassword;
}
const std::vector<std::uint8_t>& dpsl() {
  static const std::vector<std::uint8_t> kSalt(20, 0x5a);
  return kSalt;
}

void set_rounds(benchmark::State& state, std::int64_t rounds) {
  state.counters["rounds_per_s"] =
      benchmark::Counter(static_cast<double>(rounds), benchmark::Counter::kIsIterationInvariantRate);
}

void pbkdf2_sha256_lumiere(benchmark::State& state) {
  const auto rounds = static_cast<std::uint32_t>(state.range(0));
  while (state.KeepRunning()) benchmark::DoNotOptimize(crypto::pbkdf2_hmac_sha256(password(), dpsl(), rounds));
  set_rounds(state, state.range(0));
}
BENCHMARK(pbkdf2_sha256_lumiere)->Arg(kIosDpic)->Iterations(3)->Unit(benchmark::kMillisecond);

void pbkdf2_sha256_openssl(benchmark::State& state) {
  const auto rounds = static_cast<std::uint32_t>(state.range(0));
  while (state.KeepRunning()) benchmark::DoNotOptimize(crypto::pbkdf2_hmac_sha256_openssl(password(), dpsl(), rounds));
  set_rounds(state, state.range(0));
}
BENCHMARK(pbkdf2_sha256_openssl)->Arg(kIosDpic)->Iterations(1)->Unit(benchmark::kMillisecond);

// The floor: 2 x rounds SHA-256 compressions, each block depending on the previous result as in PBKDF2.
void sha256_floor_two_compressions_per_round(benchmark::State& state) {
  const auto rounds = static_cast<std::uint32_t>(state.range(0));
  while (state.KeepRunning()) {
    std::array<std::uint32_t, 8> chain{};
    std::array<std::uint8_t, 64> block{};
    for (std::uint32_t i = 0; i < 2 * rounds; ++i) {
      std::array<std::uint32_t, 8> s{0x6a09e667U, 0xbb67ae85U, 0x3c6ef372U, 0xa54ff53aU,
                                     0x510e527fU, 0x9b05688cU, 0x1f83d9abU, 0x5be0cd19U};
      crypto::sha256_compress(s, block.data());
      chain = s;
      block[0] = static_cast<std::uint8_t>(chain[0]);
    }
    benchmark::DoNotOptimize(chain);
  }
  set_rounds(state, state.range(0));
}
BENCHMARK(sha256_floor_two_compressions_per_round)->Arg(kIosDpic)->Iterations(3)->Unit(benchmark::kMillisecond);

void aes_cbc_decrypt(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const crypto::Key key = crypto::Key::random();
  std::vector<std::uint8_t> plain(size, 0x42);
  const auto cipher = crypto::aes_cbc_encrypt(key, plain);
  std::vector<std::uint8_t> out;
  out.reserve(cipher.size() + 16);
  while (state.KeepRunning()) {
    out.clear();
    crypto::CbcDecryptor decryptor(key);
    benchmark::DoNotOptimize(decryptor.update(cipher, out));
    benchmark::DoNotOptimize(decryptor.finish(out));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(cipher.size()));
}
BENCHMARK(aes_cbc_decrypt)->Arg(64 << 20)->Unit(benchmark::kMillisecond);

}  // namespace
