// Replays a SQLite write-ahead log into a database image in memory: what SQLite does when it opens a database
// with its `-wal` beside it, without a writable copy on disk (evidence inside an archive, or read through a
// no-follow file descriptor). Only frames up to the last valid commit count, as SQLite's own recovery.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace lumiere::sqlite {

// Applies the committed frames of `wal` to `image` and returns how many were applied. `image` is changed only
// on success. A WAL with a bad header, a bad header checksum or another page size than the database is
// kCorrupt (SQLite ignores such a WAL: the caller may open the image alone); a WAL with no committed frame
// leaves the image as it is.
Result<std::size_t> apply_wal(std::vector<std::uint8_t>& image, std::span<const std::uint8_t> wal,
                              const std::string& display_path);

}  // namespace lumiere::sqlite
