// libFuzzer target: the STIX2 bundle loader and the STIX pattern parser. An input starting with '{' is a
// bundle (JSON, then every indicator's pattern through the pattern parser and the IndicatorSet builder);
// anything else is one pattern string.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "indicators/stix_loader.hpp"
#include "indicators/stix_pattern.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!text.empty() && text.front() == '{') {
    lumiere::ioc::ParsedFile parsed = lumiere::ioc::parse_stix2_text(text, "fuzz.stix2");
    std::vector<lumiere::ioc::ParsedFile> files;
    files.push_back(std::move(parsed));
    const lumiere::ioc::IndicatorSet set = lumiere::ioc::build_indicator_set(std::move(files));
    (void)set;
    return 0;
  }
  auto pattern = lumiere::ioc::stix::parse_pattern(text);
  if (pattern) {
    for (const auto& alternative : pattern->alternatives) {
      for (const auto& comparison : alternative) (void)lumiere::ioc::stix::normalised_key(comparison);
    }
  }
  return 0;
}
