// libFuzzer target: plist parsing (binary and XML, libplist underneath) and, on the decoded value, the
// NSKeyedArchiver decoder, the plist-to-JSON conversion, and every registered module's plist and text parse
// entries (ModuleDescriptor::parse.plist / .text, the text ones over the raw input).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/nskeyed.hpp"
#include "core/plist.hpp"
#include "core/plist_json.hpp"
#include "framework/registry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  for (const auto& entry : lumiere::module_registry()) {
    if (const auto parse = entry.descriptor().parse.text) {
      (void)parse(std::string_view(reinterpret_cast<const char*>(data), size));
    }
  }
  auto value = lumiere::plist::parse(bytes, "fuzz.plist");
  if (!value) return 0;
  for (const auto& entry : lumiere::module_registry()) {
    if (const auto parse = entry.descriptor().parse.plist) (void)parse(*value);
  }
  (void)lumiere::plist_to_json(*value).dump();
  lumiere::plist::KeyedArchiveIssues issues;
  auto decoded = lumiere::plist::decode_keyed_archive(*value, "fuzz.plist", issues);
  if (decoded) (void)lumiere::plist_to_json(*decoded).dump();
  // Round trip: what we parsed must serialise again (both formats) without trouble.
  (void)lumiere::plist::serialize(*value, lumiere::plist::Format::kBinary);
  return 0;
}
