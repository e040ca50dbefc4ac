// NSKeyedArchiver object graphs ("$archiver", "$objects", "$top") resolved into a plain value tree.
// Used by Manifest.db `file` blobs (MBFile) and many iOS artifacts.
#pragma once

#include "core/plist.hpp"
#include "core/result.hpp"

namespace lumiere::plist {

// What decoding had to cut; the decoded value holds null at each such point.
struct KeyedArchiveIssues {
  std::size_t dangling_references = 0;  // a UID beyond $objects
  std::size_t cycles = 0;               // an object reached again while it was being resolved
  std::size_t depth_cuts = 0;           // nesting beyond kMaxDepth
  [[nodiscard]] std::size_t total() const { return dangling_references + cycles + depth_cuts; }
};

// Resolves UID references starting from $top.root (or the first $top entry). NSDictionary/NSArray/NSSet,
// NSString, NSData, NSDate and NSNumber-like objects become Dict/Array/String/Bytes/Date/scalars; other
// objects become a Dict of their fields plus "$class" (the class name). A reference cycle or a depth over
// kMaxDepth becomes a null value, never an infinite loop. Fails when `archive` is not a keyed archive, or
// (kLimitExceeded) when shared objects would expand the tree beyond kMaxNodes / kMaxExpandedBytes.
// Dictionary keys that are not strings are rendered as Python's json does (1 → "1", true → "true").
Result<Value> decode_keyed_archive(const Value& archive, std::string_view path = {});
// The same, also counting what had to be cut.
Result<Value> decode_keyed_archive(const Value& archive, std::string_view path, KeyedArchiveIssues& issues);

// The MBFile object of a Manifest.db `file` blob ($top.root, i.e. $objects[1]) as a Dict of its fields in
// file order, without "$class". Scalar fields stay as stored (Birth, LastModified, LastStatusChange: int Unix
// seconds; Mode, UserID, GroupID, Size, InodeNumber, ProtectionClass, Flags); fields that are UID references
// are resolved: RelativePath/Target → string, EncryptionKey/Digest → Bytes (EncryptionKey: 4-byte LE class +
// 40-byte wrapped key), ExtendedAttributes → Dict.
Result<Value> decode_mbfile(std::span<const std::uint8_t> blob, std::string_view path = {},
                            KeyedArchiveIssues* issues = nullptr);

}  // namespace lumiere::plist
