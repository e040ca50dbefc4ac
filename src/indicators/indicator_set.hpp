// The compiled, immutable set of indicators of compromise. Loaded once from STIX2 files, then shared by
// every module (read-only, thread-safe). Modules ask typed questions and get Match objects; no module
// compares strings against IOCs itself. Semantics: spec §4.2-4.3 as amended by docs/product.md.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace lumiere::ioc {

enum class Kind {
  kDomain,           // domain-name:value (MVT list "domains")
  kIpv4,             // ipv4-addr:value (MVT stores these in "domains" too)
  kIpv6,             // ipv6-addr:value (not supported by MVT)
  kUrl,              // url:value ("urls")
  kProcess,          // process:name ("processes")
  kEmail,            // email-addr:value ("emails")
  kFileName,         // file:name ("file_names")
  kFilePath,         // file:path ("file_paths")
  kFileMd5,          // file:hashes.md5 ("files_md5")
  kFileSha1,         // file:hashes.sha1 ("files_sha1")
  kFileSha256,       // file:hashes.sha256 ("files_sha256")
  kAppCertHash,      // app:cert.md5/sha1/sha256 ("app_cert_hashes")
  kAppId,            // app:id ("app_ids")
  kProfileId,        // configuration-profile:id ("ios_profile_ids")
  kAndroidProperty,  // android-property:name ("android_property_names")
};

// MVT's list name for the kind ("domains", "processes", ...): the `type` field of matched_indicator.
// MVT stores ipv4-addr values in "domains", so kIpv4 reports "domains"; kIpv6 (which MVT does not support)
// reports "domains" as well, the list a user of MVT would look in.
const char* mvt_type_name(Kind kind) noexcept;

// The STIX2 pattern key of the kind ("domain-name:value", "file:hashes.sha256", ...), for listings.
const char* stix_key_name(Kind kind) noexcept;

inline constexpr std::size_t kKindCount = 15;

struct Indicator {
  std::string value;  // normalised value
  Kind kind = Kind::kDomain;
  std::string collection;       // collection (malware/report) name
  std::string stix2_file_name;  // basename of the STIX2 file
  std::string stix2_file_path;  // path as given by the user
};

struct Match {
  const Indicator* indicator = nullptr;  // points into the IndicatorSet, valid while it lives
  std::string message;                   // MVT's message template, filled
};

struct Collection {
  std::string id;
  std::string name;
  std::string description;
  std::string stix2_file_name;
  std::string stix2_file_path;
  std::size_t count = 0;
};

// What loading one file produced: counts, and what was skipped (with positions where known).
struct FileReport {
  std::string path;
  std::size_t indicators = 0;
  std::vector<std::pair<Kind, std::size_t>> per_kind;
  std::size_t unsupported = 0;        // patterns of kinds we do not handle (x509, registry, yara, ...)
  std::size_t compound_and = 0;       // AND patterns, skipped
  std::vector<std::string> problems;  // human-readable, each naming the position
  std::optional<Error> error;         // the file as a whole could not be read/parsed
  // Added by the indicator engine:
  std::size_t duplicates = 0;        // values already present in the same collection (ignored, as MVT)
  std::size_t invalid_patterns = 0;  // patterns that do not parse (also listed in problems)
  std::vector<std::pair<std::string, std::size_t>>
      unsupported_by_kind;  // "pattern_type yara", "x509-certificate:hashes.sha256"...
};

class ShortUrlResolver;  // resolver.hpp

// The outcome of checking a link that may go through a URL shortener (match_url_expanded).
struct UrlCheck {
  std::optional<Match> match;
  std::string final_url;                 // the destination when the link was expanded, else the URL itself
  bool shortened = false;                // the link is on a URL-shortener domain
  bool expanded = false;                 // ... and was expanded through the resolver
  std::optional<Error> expansion_error;  // shortened but not (fully) expanded: offline, network error, ...
};

class IndicatorSet {
 public:
  IndicatorSet();
  ~IndicatorSet();
  IndicatorSet(IndicatorSet&&) noexcept;
  IndicatorSet& operator=(IndicatorSet&&) noexcept;
  IndicatorSet(const IndicatorSet&) = delete;
  IndicatorSet& operator=(const IndicatorSet&) = delete;

  [[nodiscard]] std::size_t size() const noexcept;
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }
  [[nodiscard]] const std::vector<Collection>& collections() const noexcept;
  [[nodiscard]] const std::vector<FileReport>& file_reports() const noexcept;
  // Distinct STIX2 file paths that contributed at least one collection (info.json "ioc_files").
  [[nodiscard]] std::vector<std::string> files() const;

  // Typed questions (spec §4.2/4.3 amended by product.md). std::nullopt = no match.
  [[nodiscard]] std::optional<Match> match_url(std::string_view url) const;
  [[nodiscard]] std::optional<Match> match_domain(std::string_view host_or_url) const;
  [[nodiscard]] std::optional<Match> match_process(std::string_view process) const;
  [[nodiscard]] std::optional<Match> match_email(std::string_view email) const;
  [[nodiscard]] std::optional<Match> match_file_name(std::string_view name) const;
  [[nodiscard]] std::optional<Match> match_file_path(std::string_view path) const;
  [[nodiscard]] std::optional<Match> match_file_path_process(std::string_view path) const;
  [[nodiscard]] std::optional<Match> match_profile(std::string_view uuid) const;
  [[nodiscard]] std::optional<Match> match_file_hash(std::string_view hash) const;
  [[nodiscard]] std::optional<Match> match_app_cert_hash(std::string_view hash) const;
  [[nodiscard]] std::optional<Match> match_app_id(std::string_view app_id) const;
  [[nodiscard]] std::optional<Match> match_android_property(std::string_view name) const;

  // match_url() for a link that may be shortened. Without a resolver (the default: offline) a shortened
  // link is only matched as written and reported as shortened-not-expanded; with one (--resolve-short-urls)
  // the destination is matched too and the message says "{final} shortened as {url}".
  [[nodiscard]] UrlCheck match_url_expanded(std::string_view url, const ShortUrlResolver* resolver) const;

  // Every loaded indicator, in load order (collections in file order, indicators in document order).
  [[nodiscard]] const std::vector<Indicator>& indicators() const noexcept;
  [[nodiscard]] std::size_t count(Kind kind) const noexcept;

  // The IndicatorSet is built by the loader (stix_loader.hpp).
  struct Impl;
  [[nodiscard]] const Impl& impl() const { return *impl_; }
  explicit IndicatorSet(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace lumiere::ioc
