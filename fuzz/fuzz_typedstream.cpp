// libFuzzer target: the typedstream decoder behind iMessage's message.attributedBody.
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/typedstream.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto text = lumiere::typedstream::attributed_string_text(std::span<const std::uint8_t>(data, size));
  (void)text;
  return 0;
}
