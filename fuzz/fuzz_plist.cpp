// libFuzzer target: plist parsing (binary and XML, libplist underneath) and, on the decoded value, the
// NSKeyedArchiver decoder and the plist-to-JSON conversion the modules use.
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/nskeyed.hpp"
#include "core/plist.hpp"
#include "core/plist_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  auto value = lumiere::plist::parse(bytes, "fuzz.plist");
  if (!value) return 0;
  (void)lumiere::plist_to_json(*value).dump();
  lumiere::plist::KeyedArchiveIssues issues;
  auto decoded = lumiere::plist::decode_keyed_archive(*value, "fuzz.plist", issues);
  if (decoded) (void)lumiere::plist_to_json(*decoded).dump();
  // Round trip: what we parsed must serialise again (both formats) without trouble.
  (void)lumiere::plist::serialize(*value, lumiere::plist::Format::kBinary);
  return 0;
}
