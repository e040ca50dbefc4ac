#include "core/hash.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>

namespace lumiere::hash {
namespace {

std::string to_hex(const unsigned char* digest, unsigned int length) {
  static constexpr const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(static_cast<std::size_t>(length) * 2U);
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4U];
    out += kHex[digest[i] & 0xFU];
  }
  return out;
}

std::string digest_hex(const EVP_MD* md, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &length, md, nullptr);
  return to_hex(digest.data(), length);
}

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct MdDeleter {
  void operator()(EVP_MD* md) const { EVP_MD_free(md); }
};
struct FdCloser {
  explicit FdCloser(int descriptor) : fd(descriptor) {}
  int fd;
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  FdCloser(FdCloser&&) = delete;
  FdCloser& operator=(FdCloser&&) = delete;
  ~FdCloser() { ::close(fd); }
};

}  // namespace

std::string sha1_hex(std::string_view data) {
  return digest_hex(EVP_sha1(), data);
}
std::string sha256_hex(std::string_view data) {
  return digest_hex(EVP_sha256(), data);
}

Result<std::string> sha256_file(const std::filesystem::path& file) {
  // OpenSSL 3 looks the algorithm up (under a lock) at each EVP_sha256() init; fetched once, the many small
  // files of a backup hashed by several threads do not contend on it.
  static const std::unique_ptr<EVP_MD, MdDeleter> kSha256(EVP_MD_fetch(nullptr, "SHA256", nullptr));
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return unexpected(ErrorCode::kIo, std::string("cannot read: ") + std::strerror(errno), file.string());
  const FdCloser closer{fd};
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  const EVP_MD* md = kSha256 ? kSha256.get() : EVP_sha256();
  if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1) {
    return unexpected(ErrorCode::kInternal, "cannot initialise SHA-256", file.string());
  }
  // Not zero-filled: a backup holds tens of thousands of small files, each hashed with its own buffer.
  constexpr std::size_t kBufferBytes = std::size_t{256} * 1024U;
  const auto buffer = std::make_unique_for_overwrite<unsigned char[]>(kBufferBytes);
  while (true) {
    const ssize_t n = ::read(fd, buffer.get(), kBufferBytes);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return unexpected(ErrorCode::kIo, std::string("read error: ") + std::strerror(errno), file.string());
    }
    EVP_DigestUpdate(ctx.get(), buffer.get(), static_cast<std::size_t>(n));
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx.get(), digest.data(), &length);
  return to_hex(digest.data(), length);
}

}  // namespace lumiere::hash
