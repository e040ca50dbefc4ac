// libFuzzer target: the backup keybag (Manifest.plist BackupKeyBag) TLV parser, then unwrapping its class
// keys with a fixed backup key (the PBKDF2 derivation is not fuzzed: its iteration count is meant to be slow).
#include <cstddef>
#include <cstdint>
#include <span>

#include "sources/ios_keybag.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto keybag = lumiere::sources::Keybag::parse(std::span<const std::uint8_t>(data, size));
  if (!keybag) return 0;
  (void)keybag->class_keys().size();
  lumiere::crypto::Key key{};
  auto keys = keybag->unlock(key);
  (void)keys;
  return 0;
}
