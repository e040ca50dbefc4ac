// The fast PBKDF2-HMAC-SHA256 and the raw SHA-256 block compression it is built on. OpenSSL's
// SHA256_Transform is the one public entry to its per-CPU compression code (SHA-NI, AVX2, ...); OpenSSL 3
// deprecates it, so this is the only file that uses it.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <algorithm>
#include <cstring>

#include "core/crypto.hpp"

namespace lumiere::crypto {
namespace {

constexpr std::size_t kBlockBytes = 64;
constexpr std::size_t kDigestBytes = 32;

void store_be(std::uint8_t* out, const std::array<std::uint32_t, 8>& words) {
  for (std::size_t i = 0; i < words.size(); ++i) {
    out[4 * i] = static_cast<std::uint8_t>(words[i] >> 24U);
    out[4 * i + 1] = static_cast<std::uint8_t>(words[i] >> 16U);
    out[4 * i + 2] = static_cast<std::uint8_t>(words[i] >> 8U);
    out[4 * i + 3] = static_cast<std::uint8_t>(words[i]);
  }
}

std::array<std::uint32_t, 8> load_be(const std::uint8_t* in) {
  std::array<std::uint32_t, 8> words{};
  for (std::size_t i = 0; i < words.size(); ++i) {
    words[i] = (std::uint32_t{in[4 * i]} << 24U) | (std::uint32_t{in[4 * i + 1]} << 16U) |
               (std::uint32_t{in[4 * i + 2]} << 8U) | std::uint32_t{in[4 * i + 3]};
  }
  return words;
}

// A 64-byte block holding a 32-byte message after a 64-byte key block: the padding of every HMAC-SHA256
// round's inner and outer hash (0x80, zeros, bit length 768).
std::array<std::uint8_t, kBlockBytes> round_block() {
  std::array<std::uint8_t, kBlockBytes> block{};
  block[kDigestBytes] = 0x80;
  constexpr std::uint64_t kBits = (kBlockBytes + kDigestBytes) * 8;
  block[kBlockBytes - 2] = static_cast<std::uint8_t>(kBits >> 8U);
  block[kBlockBytes - 1] = static_cast<std::uint8_t>(kBits & 0xFFU);
  return block;
}

}  // namespace

void sha256_compress(std::array<std::uint32_t, 8>& state, const std::uint8_t* block) {
  SHA256_CTX ctx{};
  std::memcpy(ctx.h, state.data(), sizeof ctx.h);
  SHA256_Transform(&ctx, block);
  std::memcpy(state.data(), ctx.h, sizeof ctx.h);
}

std::vector<std::uint8_t> pbkdf2_hmac_sha256(std::span<const std::uint8_t> password, std::span<const std::uint8_t> salt,
                                             std::uint32_t iterations, std::size_t out_len) {
  // HMAC key block: the password, or its digest when longer than a block, zero-padded.
  std::array<std::uint8_t, kBlockBytes> key{};
  if (password.size() > kBlockBytes) {
    SHA256(password.data(), password.size(), key.data());
  } else if (!password.empty()) {
    std::memcpy(key.data(), password.data(), password.size());
  }
  std::array<std::uint8_t, kBlockBytes> pad{};
  SHA256_CTX inner_ctx{};
  SHA256_CTX outer_ctx{};
  for (std::size_t i = 0; i < kBlockBytes; ++i) pad[i] = key[i] ^ 0x36U;
  SHA256_Init(&inner_ctx);
  SHA256_Update(&inner_ctx, pad.data(), pad.size());
  for (std::size_t i = 0; i < kBlockBytes; ++i) pad[i] = key[i] ^ 0x5cU;
  SHA256_Init(&outer_ctx);
  SHA256_Update(&outer_ctx, pad.data(), pad.size());
  std::array<std::uint32_t, 8> inner_state{};
  std::array<std::uint32_t, 8> outer_state{};
  std::memcpy(inner_state.data(), inner_ctx.h, sizeof inner_ctx.h);
  std::memcpy(outer_state.data(), outer_ctx.h, sizeof outer_ctx.h);

  std::vector<std::uint8_t> out(out_len);
  auto inner_block = round_block();
  auto outer_block = round_block();
  SHA256_CTX work{};
  for (std::uint32_t block_index = 1; (block_index - 1) * kDigestBytes < out_len; ++block_index) {
    // U1 = HMAC(P, salt || INT(i)): the salt can be any length, so the generic streaming form.
    SHA256_CTX u1_ctx = inner_ctx;
    SHA256_Update(&u1_ctx, salt.data(), salt.size());
    const std::array<std::uint8_t, 4> index_be{
        static_cast<std::uint8_t>(block_index >> 24U), static_cast<std::uint8_t>(block_index >> 16U),
        static_cast<std::uint8_t>(block_index >> 8U), static_cast<std::uint8_t>(block_index)};
    SHA256_Update(&u1_ctx, index_be.data(), index_be.size());
    SHA256_Final(outer_block.data(), &u1_ctx);
    SHA256_CTX u1_outer = outer_ctx;
    SHA256_Update(&u1_outer, outer_block.data(), kDigestBytes);
    SHA256_Final(inner_block.data(), &u1_outer);
    std::array<std::uint32_t, 8> t = load_be(inner_block.data());

    // Rounds 2..c: U_j = H(opad_state, H(ipad_state, U_{j-1})): two compressions each, nothing else.
    std::array<std::uint32_t, 8> u{};
    for (std::uint32_t round = 1; round < iterations; ++round) {
      std::memcpy(work.h, inner_state.data(), sizeof work.h);
      SHA256_Transform(&work, inner_block.data());
      std::memcpy(u.data(), work.h, sizeof work.h);
      store_be(outer_block.data(), u);
      std::memcpy(work.h, outer_state.data(), sizeof work.h);
      SHA256_Transform(&work, outer_block.data());
      std::memcpy(u.data(), work.h, sizeof work.h);
      store_be(inner_block.data(), u);
      for (std::size_t w = 0; w < t.size(); ++w) t[w] ^= u[w];
    }
    std::array<std::uint8_t, kDigestBytes> block_out{};
    store_be(block_out.data(), t);
    const std::size_t offset = (block_index - 1) * kDigestBytes;
    const std::size_t take = std::min(kDigestBytes, out_len - offset);
    std::memcpy(out.data() + offset, block_out.data(), take);
    wipe(block_out.data(), block_out.size());
    wipe(t.data(), sizeof t);
    wipe(u.data(), sizeof u);
  }
  wipe(key.data(), key.size());
  wipe(pad.data(), pad.size());
  wipe(inner_block.data(), inner_block.size());
  wipe(outer_block.data(), outer_block.size());
  wipe(&inner_ctx, sizeof inner_ctx);
  wipe(&outer_ctx, sizeof outer_ctx);
  wipe(&work, sizeof work);
  wipe(inner_state.data(), sizeof inner_state);
  wipe(outer_state.data(), sizeof outer_state);
  return out;
}

}  // namespace lumiere::crypto
