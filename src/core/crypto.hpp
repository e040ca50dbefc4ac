// The cryptography of encrypted iTunes/Finder backups, over OpenSSL: AES key wrap (RFC 3394), AES-256-CBC with
// a zero IV and PKCS#7 padding, and the two PBKDF2 flavours of the backup keybag. PBKDF2-HMAC-SHA256 is our own
// (iOS asks for 10,000,000 rounds): the HMAC inner and outer states are computed once, then every round is
// exactly two SHA-256 block compressions (spec §6.2). Keys are wiped from memory when they die.
#pragma once

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace lumiere::crypto {

inline constexpr std::size_t kKeyBytes = 32;
inline constexpr std::size_t kWrappedKeyBytes = 40;  // RFC 3394 of a 256-bit key: 8-byte check + 32
inline constexpr std::size_t kAesBlockBytes = 16;

// A 256-bit secret. Wiped with OPENSSL_cleanse when destroyed or overwritten.
class Key {
 public:
  Key() = default;
  explicit Key(std::span<const std::uint8_t> bytes);
  ~Key();
  Key(const Key& other) = default;
  Key& operator=(const Key& other);
  Key(Key&& other) noexcept;
  Key& operator=(Key&& other) noexcept;

  [[nodiscard]] const std::uint8_t* data() const { return bytes_.data(); }
  [[nodiscard]] std::uint8_t* data() { return bytes_.data(); }
  [[nodiscard]] static constexpr std::size_t size() { return kKeyBytes; }
  [[nodiscard]] std::span<const std::uint8_t> span() const { return bytes_; }
  // 64 lowercase hex digits.
  [[nodiscard]] std::string hex() const;
  // 64 hex digits (either case); kInvalidArgument otherwise.
  static Result<Key> from_hex(std::string_view hex);
  // A fresh random key (fixture builders).
  static Key random();

  bool operator==(const Key& other) const;

 private:
  std::array<std::uint8_t, kKeyBytes> bytes_{};
};

// Owns an EVP_CIPHER_CTX.
class CipherContext {
 public:
  CipherContext();
  ~CipherContext();
  CipherContext(CipherContext&& other) noexcept;
  CipherContext& operator=(CipherContext&& other) noexcept;
  CipherContext(const CipherContext&) = delete;
  CipherContext& operator=(const CipherContext&) = delete;
  [[nodiscard]] EVP_CIPHER_CTX* get() const { return ctx_; }

 private:
  EVP_CIPHER_CTX* ctx_ = nullptr;
};

// RFC 3394 AES key unwrap of a 40-byte wrapped 256-bit key. When the integrity check value is not
// A6A6A6A6A6A6A6A6 (a wrong key-encryption key, or a damaged input): kWrongPassword "key unwrap integrity
// check failed"; callers say what that means where they are.
Result<Key> aes_unwrap(const Key& kek, std::span<const std::uint8_t> wrapped);
// RFC 3394 wrap: 40 bytes out (fixture builders).
std::vector<std::uint8_t> aes_wrap(const Key& kek, const Key& key);

// Streaming AES-256-CBC decryption with a zero IV; the PKCS#7 padding is checked and removed by finish(),
// never guessed from a size recorded elsewhere.
class CbcDecryptor {
 public:
  explicit CbcDecryptor(const Key& key);
  // Appends the plaintext that `ciphertext` completes to `out` (the last block is held back for finish()).
  [[nodiscard]] Result<void> update(std::span<const std::uint8_t> ciphertext, std::vector<std::uint8_t>& out);
  // kCorrupt when the input is not a whole number of blocks or its padding is not PKCS#7 (a truncated or
  // damaged file, or the wrong key).
  [[nodiscard]] Result<void> finish(std::vector<std::uint8_t>& out);

 private:
  CipherContext ctx_;
  bool failed_ = false;
};

// Whole-buffer forms.
Result<std::vector<std::uint8_t>> aes_cbc_decrypt(const Key& key, std::span<const std::uint8_t> ciphertext);
std::vector<std::uint8_t> aes_cbc_encrypt(const Key& key, std::span<const std::uint8_t> plaintext);

// PBKDF2-HMAC-SHA256 with precomputed HMAC states: 2 SHA-256 compressions per round. `out_len` bytes.
std::vector<std::uint8_t> pbkdf2_hmac_sha256(std::span<const std::uint8_t> password, std::span<const std::uint8_t> salt,
                                             std::uint32_t iterations, std::size_t out_len = kKeyBytes);
// PBKDF2-HMAC-SHA1 through OpenSSL (the keybag's second, cheap step).
std::vector<std::uint8_t> pbkdf2_hmac_sha1(std::span<const std::uint8_t> password, std::span<const std::uint8_t> salt,
                                           std::uint32_t iterations, std::size_t out_len = kKeyBytes);
// OpenSSL's generic PKCS5_PBKDF2_HMAC with SHA-256: the reference our fast version is tested and measured
// against.
std::vector<std::uint8_t> pbkdf2_hmac_sha256_openssl(std::span<const std::uint8_t> password,
                                                     std::span<const std::uint8_t> salt, std::uint32_t iterations,
                                                     std::size_t out_len = kKeyBytes);

// One SHA-256 block compression over `state` (the raw primitive; the benchmark measures the floor with it).
void sha256_compress(std::array<std::uint32_t, 8>& state, const std::uint8_t* block);

// Wipes a buffer that held secrets or plaintext.
void wipe(void* data, std::size_t size);
template <class T>
void wipe(std::vector<T>& buffer) {
  if (!buffer.empty()) wipe(buffer.data(), buffer.size() * sizeof(T));
}
inline void wipe(std::string& text) {
  if (!text.empty()) wipe(text.data(), text.size());
}

}  // namespace lumiere::crypto
