// Internal: the compiled form of an IndicatorSet (hash indexes built once at load, read-only afterwards)
// and the builder that merges parsed STIX2 files into it. Not for use outside src/indicators/.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "indicators/flat_index.hpp"
#include "indicators/indicator_set.hpp"
#include "indicators/stix_loader.hpp"

namespace lumiere::ioc {

// value -> index of the first indicator (in load order) with that key; earlier collections win, as in MVT.
using ValueIndex = FlatIndex;

struct IndicatorSet::Impl {
  std::vector<Indicator> indicators;
  std::vector<Collection> collections;
  std::vector<FileReport> reports;
  std::size_t total = 0;
  std::array<std::size_t, kKindCount> per_kind{};

  ValueIndex urls;
  ValueIndex domains;      // domain IOCs matched with their subdomains
  ValueIndex exact_hosts;  // IP IOCs, and domain IOCs that are public suffixes: equality only
  ValueIndex processes;
  ValueIndex process_prefixes;  // first 16 bytes of process IOCs longer than 16 (Darwin truncation)
  ValueIndex emails;
  ValueIndex file_names;
  ValueIndex file_paths;  // trailing '/' removed
  ValueIndex profiles;    // lowercased
  ValueIndex md5;
  ValueIndex sha1;
  ValueIndex sha256;
  ValueIndex cert_hashes;
  ValueIndex app_ids;             // lowercased
  ValueIndex android_properties;  // lowercased
};

class IndicatorSetBuilder {
 public:
  IndicatorSetBuilder();
  // Appends one parsed file (its collections and indicators keep their order).
  void add(ParsedFile file);
  [[nodiscard]] IndicatorSet build() &&;

 private:
  std::unique_ptr<IndicatorSet::Impl> impl_;
};

}  // namespace lumiere::ioc
