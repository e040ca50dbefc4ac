#include "core/sqlite_wal.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstring>

namespace lumiere::sqlite {
namespace {

constexpr std::size_t kWalHeaderBytes = 32;
constexpr std::size_t kFrameHeaderBytes = 24;
constexpr std::uint32_t kMagicLittleEndian = 0x377f0682;
constexpr std::uint32_t kMagicBigEndian = 0x377f0683;
constexpr std::uint32_t kMinPageSize = 512;
constexpr std::uint32_t kMaxPageSize = 65536;
// A database image never grows past this while replaying (pages beyond it are a hostile WAL).
constexpr std::uint64_t kMaxImageBytes = 4ULL << 30U;

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24U) | (std::uint32_t{p[1]} << 16U) | (std::uint32_t{p[2]} << 8U) | p[3];
}

std::uint32_t le32(const std::uint8_t* p) {
  return (std::uint32_t{p[3]} << 24U) | (std::uint32_t{p[2]} << 16U) | (std::uint32_t{p[1]} << 8U) | p[0];
}

void put_be32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 24U);
  p[1] = static_cast<std::uint8_t>(v >> 16U);
  p[2] = static_cast<std::uint8_t>(v >> 8U);
  p[3] = static_cast<std::uint8_t>(v);
}

// SQLite's WAL checksum over `data` (a multiple of 8 bytes), continuing from s0/s1.
void checksum(std::span<const std::uint8_t> data, bool big_endian, std::uint32_t& s0, std::uint32_t& s1) {
  for (std::size_t i = 0; i + 8 <= data.size(); i += 8) {
    const std::uint32_t x0 = big_endian ? be32(&data[i]) : le32(&data[i]);
    const std::uint32_t x1 = big_endian ? be32(&data[i + 4]) : le32(&data[i + 4]);
    s0 += x0 + s1;
    s1 += x1 + s0;
  }
}

}  // namespace

Result<std::size_t> apply_wal(std::vector<std::uint8_t>& image, std::span<const std::uint8_t> wal,
                              const std::string& display_path) {
  if (wal.empty()) return std::size_t{0};
  if (wal.size() < kWalHeaderBytes) return unexpected(ErrorCode::kCorrupt, "WAL shorter than its header", display_path);
  const std::uint32_t magic = be32(wal.data());
  if (magic != kMagicLittleEndian && magic != kMagicBigEndian) {
    return unexpected(ErrorCode::kCorrupt, "not a SQLite WAL (bad magic)", display_path);
  }
  const bool big_endian = (magic & 1U) != 0;
  const std::uint32_t page_size = be32(&wal[8]);
  if (page_size < kMinPageSize || page_size > kMaxPageSize || (page_size & (page_size - 1)) != 0) {
    return unexpected(ErrorCode::kCorrupt, fmt::format("WAL with an invalid page size {}", page_size), display_path);
  }
  std::uint32_t s0 = 0;
  std::uint32_t s1 = 0;
  checksum(wal.first(24), big_endian, s0, s1);
  if (s0 != be32(&wal[24]) || s1 != be32(&wal[28])) {
    return unexpected(ErrorCode::kCorrupt, "WAL header checksum mismatch", display_path);
  }
  if (image.size() >= 18) {
    // The database's own page size (offset 16, big-endian; 1 means 65536) must be the WAL's.
    const std::uint32_t raw = (std::uint32_t{image[16]} << 8U) | image[17];
    const std::uint32_t db_page = raw == 1 ? kMaxPageSize : raw;
    if (db_page != page_size) {
      return unexpected(ErrorCode::kCorrupt,
                        fmt::format("WAL page size {} differs from the database's {}", page_size, db_page),
                        display_path);
    }
  }
  const std::uint32_t salt1 = be32(&wal[16]);
  const std::uint32_t salt2 = be32(&wal[20]);

  // First pass: the frames up to the last valid commit frame.
  const std::size_t frame_bytes = kFrameHeaderBytes + page_size;
  std::size_t committed_frames = 0;
  std::uint32_t committed_pages = 0;
  for (std::size_t n = 0;; ++n) {
    const std::size_t at = kWalHeaderBytes + n * frame_bytes;
    if (at + frame_bytes > wal.size()) break;
    const std::uint8_t* frame = &wal[at];
    if (be32(frame + 8) != salt1 || be32(frame + 12) != salt2 || be32(frame) == 0) break;
    checksum(std::span<const std::uint8_t>(frame, 8), big_endian, s0, s1);
    checksum(std::span<const std::uint8_t>(frame + kFrameHeaderBytes, page_size), big_endian, s0, s1);
    if (s0 != be32(frame + 16) || s1 != be32(frame + 20)) break;
    if (const std::uint32_t pages = be32(frame + 4); pages != 0) {
      committed_frames = n + 1;
      committed_pages = pages;
    }
  }
  if (committed_frames == 0) return std::size_t{0};
  if (std::uint64_t{committed_pages} * page_size > kMaxImageBytes) {
    return unexpected(ErrorCode::kLimitExceeded,
                      fmt::format("the WAL grows the database to {} pages, beyond the limit", committed_pages),
                      display_path);
  }
  image.resize(std::size_t{committed_pages} * page_size, 0);
  for (std::size_t n = 0; n < committed_frames; ++n) {
    const std::uint8_t* frame = &wal[kWalHeaderBytes + n * frame_bytes];
    const std::uint32_t page = be32(frame);
    if (page > committed_pages) continue;  // a page the final commit truncated away
    std::memcpy(&image[std::size_t{page - 1} * page_size], frame + kFrameHeaderBytes, page_size);
  }
  // The in-header size is trusted by SQLite only when the change counter matches version-valid-for.
  constexpr std::size_t kChangeCounter = 24;
  constexpr std::size_t kPageCount = 28;
  constexpr std::size_t kVersionValidFor = 92;
  if (image.size() >= 100) {
    put_be32(&image[kPageCount], committed_pages);
    std::copy_n(&image[kChangeCounter], 4, &image[kVersionValidFor]);
  }
  return committed_frames;
}

}  // namespace lumiere::sqlite
