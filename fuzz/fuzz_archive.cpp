// libFuzzer target: evidence detection on an archive (libarchive listing of a zip, tar or compressed tar).
// The bytes are written to a private temporary file, as a user would pass `lumiere scan evidence.tar.gz`.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/temp_dir.hpp"
#include "sources/detect.hpp"

namespace {

const std::filesystem::path& evidence_file() {
  static lumiere::PrivateTempDir dir = [] {
    auto created = lumiere::PrivateTempDir::create("lumiere-fuzz-archive");
    if (!created) std::abort();
    return std::move(*created);
  }();
  static const std::filesystem::path file = dir.path() / "sysdiagnose_fuzz.tar.gz";
  return file;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& file = evidence_file();
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  auto detected = lumiere::sources::detect_evidence(file);
  (void)detected;
  return 0;
}
