#include "core/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <utility>

namespace lumiere::crypto {
namespace {

constexpr std::array<std::uint8_t, kAesBlockBytes> kZeroIv{};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int as_int(std::size_t size) {
  if (size > static_cast<std::size_t>(std::numeric_limits<int>::max())) throw std::length_error("buffer too large");
  return static_cast<int>(size);
}

}  // namespace

void wipe(void* data, std::size_t size) {
  OPENSSL_cleanse(data, size);
}

Key::Key(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != kKeyBytes) throw std::invalid_argument("a key is 32 bytes");
  std::copy(bytes.begin(), bytes.end(), bytes_.begin());
}

Key::~Key() {
  wipe(bytes_.data(), bytes_.size());
}

Key& Key::operator=(const Key& other) {
  if (this != &other) bytes_ = other.bytes_;
  return *this;
}

Key::Key(Key&& other) noexcept : bytes_(other.bytes_) {
  wipe(other.bytes_.data(), other.bytes_.size());
}

Key& Key::operator=(Key&& other) noexcept {
  if (this != &other) {
    bytes_ = other.bytes_;
    wipe(other.bytes_.data(), other.bytes_.size());
  }
  return *this;
}

std::string Key::hex() const {
  static constexpr const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(kKeyBytes * 2);
  for (const auto b : bytes_) {
    out += kHex[b >> 4U];
    out += kHex[b & 0xFU];
  }
  return out;
}

Result<Key> Key::from_hex(std::string_view hex) {
  if (hex.size() != kKeyBytes * 2) {
    return unexpected(ErrorCode::kInvalidArgument,
                      "a key is 64 hex digits (" + std::to_string(hex.size()) + " characters given)");
  }
  Key key;
  for (std::size_t i = 0; i < kKeyBytes; ++i) {
    const int hi = hex_value(hex[2 * i]);
    const int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return unexpected(ErrorCode::kInvalidArgument, "a key is 64 hex digits (0-9, a-f)");
    key.bytes_[i] = static_cast<std::uint8_t>((hi << 4) | lo);
  }
  return key;
}

Key Key::random() {
  Key key;
  if (RAND_bytes(key.bytes_.data(), static_cast<int>(key.bytes_.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return key;
}

bool Key::operator==(const Key& other) const {
  return CRYPTO_memcmp(bytes_.data(), other.bytes_.data(), kKeyBytes) == 0;
}

CipherContext::CipherContext() : ctx_(EVP_CIPHER_CTX_new()) {
  if (ctx_ == nullptr) throw std::bad_alloc();
}

CipherContext::~CipherContext() {
  EVP_CIPHER_CTX_free(ctx_);
}

CipherContext::CipherContext(CipherContext&& other) noexcept : ctx_(std::exchange(other.ctx_, nullptr)) {}

CipherContext& CipherContext::operator=(CipherContext&& other) noexcept {
  if (this != &other) {
    EVP_CIPHER_CTX_free(ctx_);
    ctx_ = std::exchange(other.ctx_, nullptr);
  }
  return *this;
}

Result<Key> aes_unwrap(const Key& kek, std::span<const std::uint8_t> wrapped) {
  if (wrapped.size() != kWrappedKeyBytes) {
    return unexpected(ErrorCode::kCorrupt,
                      "a wrapped key is 40 bytes (" + std::to_string(wrapped.size()) + " bytes found)");
  }
  CipherContext ctx;
  EVP_CIPHER_CTX_set_flags(ctx.get(), EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_wrap(), nullptr, kek.data(), nullptr) != 1) {
    return unexpected(ErrorCode::kInternal, "cannot initialise AES key unwrap");
  }
  std::array<std::uint8_t, kWrappedKeyBytes> out{};
  int len = 0;
  const int ok = EVP_DecryptUpdate(ctx.get(), out.data(), &len, wrapped.data(), as_int(wrapped.size()));
  if (ok != 1 || len != static_cast<int>(kKeyBytes)) {
    wipe(out.data(), out.size());
    return unexpected(ErrorCode::kWrongPassword, "key unwrap integrity check failed");
  }
  Key key(std::span<const std::uint8_t>(out.data(), kKeyBytes));
  wipe(out.data(), out.size());
  return key;
}

std::vector<std::uint8_t> aes_wrap(const Key& kek, const Key& key) {
  CipherContext ctx;
  EVP_CIPHER_CTX_set_flags(ctx.get(), EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_wrap(), nullptr, kek.data(), nullptr) != 1) {
    throw std::runtime_error("cannot initialise AES key wrap");
  }
  std::vector<std::uint8_t> out(kWrappedKeyBytes + kAesBlockBytes);
  int len = 0;
  if (EVP_EncryptUpdate(ctx.get(), out.data(), &len, key.data(), static_cast<int>(key.size())) != 1) {
    throw std::runtime_error("AES key wrap failed");
  }
  out.resize(static_cast<std::size_t>(len));
  return out;
}

CbcDecryptor::CbcDecryptor(const Key& key) {
  if (EVP_DecryptInit_ex(ctx_.get(), EVP_aes_256_cbc(), nullptr, key.data(), kZeroIv.data()) != 1) {
    throw std::runtime_error("cannot initialise AES-256-CBC");
  }
  EVP_CIPHER_CTX_set_padding(ctx_.get(), 1);
}

Result<void> CbcDecryptor::update(std::span<const std::uint8_t> ciphertext, std::vector<std::uint8_t>& out) {
  if (failed_) return unexpected(ErrorCode::kInternal, "decryption already failed");
  if (ciphertext.empty()) return {};
  const std::size_t before = out.size();
  out.resize(before + ciphertext.size() + kAesBlockBytes);
  int len = 0;
  if (EVP_DecryptUpdate(ctx_.get(), out.data() + before, &len, ciphertext.data(), as_int(ciphertext.size())) != 1) {
    failed_ = true;
    out.resize(before);
    return unexpected(ErrorCode::kCorrupt, "AES-256-CBC decryption failed");
  }
  out.resize(before + static_cast<std::size_t>(len));
  return {};
}

Result<void> CbcDecryptor::finish(std::vector<std::uint8_t>& out) {
  if (failed_) return unexpected(ErrorCode::kInternal, "decryption already failed");
  const std::size_t before = out.size();
  out.resize(before + kAesBlockBytes);
  int len = 0;
  failed_ = true;  // one finish per stream
  if (EVP_DecryptFinal_ex(ctx_.get(), out.data() + before, &len) != 1) {
    out.resize(before);
    return unexpected(ErrorCode::kCorrupt,
                      "the decrypted data does not end with valid PKCS#7 padding (truncated or damaged file, or a "
                      "wrong key)");
  }
  out.resize(before + static_cast<std::size_t>(len));
  return {};
}

Result<std::vector<std::uint8_t>> aes_cbc_decrypt(const Key& key, std::span<const std::uint8_t> ciphertext) {
  std::vector<std::uint8_t> out;
  out.reserve(ciphertext.size() + kAesBlockBytes);
  CbcDecryptor decryptor(key);
  if (auto ok = decryptor.update(ciphertext, out); !ok) return ok.error();
  if (auto ok = decryptor.finish(out); !ok) {
    wipe(out);
    return ok.error();
  }
  return out;
}

std::vector<std::uint8_t> aes_cbc_encrypt(const Key& key, std::span<const std::uint8_t> plaintext) {
  CipherContext ctx;
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, key.data(), kZeroIv.data()) != 1) {
    throw std::runtime_error("cannot initialise AES-256-CBC");
  }
  std::vector<std::uint8_t> out(plaintext.size() + kAesBlockBytes);
  int len = 0;
  if (EVP_EncryptUpdate(ctx.get(), out.data(), &len, plaintext.data(), as_int(plaintext.size())) != 1) {
    throw std::runtime_error("AES-256-CBC encryption failed");
  }
  int tail = 0;
  if (EVP_EncryptFinal_ex(ctx.get(), out.data() + len, &tail) != 1) {
    throw std::runtime_error("AES-256-CBC encryption failed");
  }
  out.resize(static_cast<std::size_t>(len) + static_cast<std::size_t>(tail));
  return out;
}

std::vector<std::uint8_t> pbkdf2_hmac_sha1(std::span<const std::uint8_t> password, std::span<const std::uint8_t> salt,
                                           std::uint32_t iterations, std::size_t out_len) {
  std::vector<std::uint8_t> out(out_len);
  if (PKCS5_PBKDF2_HMAC(reinterpret_cast<const char*>(password.data()), as_int(password.size()), salt.data(),
                        as_int(salt.size()), static_cast<int>(std::min<std::uint32_t>(iterations, INT32_MAX)),
                        EVP_sha1(), as_int(out.size()), out.data()) != 1) {
    throw std::runtime_error("PBKDF2-HMAC-SHA1 failed");
  }
  return out;
}

std::vector<std::uint8_t> pbkdf2_hmac_sha256_openssl(std::span<const std::uint8_t> password,
                                                     std::span<const std::uint8_t> salt, std::uint32_t iterations,
                                                     std::size_t out_len) {
  std::vector<std::uint8_t> out(out_len);
  if (PKCS5_PBKDF2_HMAC(reinterpret_cast<const char*>(password.data()), as_int(password.size()), salt.data(),
                        as_int(salt.size()), static_cast<int>(std::min<std::uint32_t>(iterations, INT32_MAX)),
                        EVP_sha256(), as_int(out.size()), out.data()) != 1) {
    throw std::runtime_error("PBKDF2-HMAC-SHA256 failed");
  }
  return out;
}

}  // namespace lumiere::crypto
