#include "indicators/indicator_set.hpp"

#include <algorithm>
#include <limits>
#include <set>

#include "core/ascii.hpp"
#include "indicators/indicator_set_impl.hpp"
#include "indicators/resolver.hpp"
#include "indicators/shorteners.hpp"
#include "indicators/url.hpp"

namespace lumiere::ioc {
namespace {

constexpr std::uint32_t kNone = FlatIndex::kNone;
constexpr std::size_t kTruncatedProcessLength = 16;  // Darwin's MAXCOMLEN + 1

std::uint32_t find(const ValueIndex& index, std::string_view key) {
  return index.find(key);
}

std::string_view basename(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

void quote_into(std::string& out, std::string_view text) {
  out.push_back('"');
  out.append(text);
  out.push_back('"');
}

}  // namespace

const char* mvt_type_name(Kind kind) noexcept {
  switch (kind) {
    case Kind::kDomain:
    case Kind::kIpv4:
    case Kind::kIpv6: return "domains";
    case Kind::kUrl: return "urls";
    case Kind::kProcess: return "processes";
    case Kind::kEmail: return "emails";
    case Kind::kFileName: return "file_names";
    case Kind::kFilePath: return "file_paths";
    case Kind::kFileMd5: return "files_md5";
    case Kind::kFileSha1: return "files_sha1";
    case Kind::kFileSha256: return "files_sha256";
    case Kind::kAppCertHash: return "app_cert_hashes";
    case Kind::kAppId: return "app_ids";
    case Kind::kProfileId: return "ios_profile_ids";
    case Kind::kAndroidProperty: return "android_property_names";
  }
  return "unknown";
}

const char* stix_key_name(Kind kind) noexcept {
  switch (kind) {
    case Kind::kDomain: return "domain-name:value";
    case Kind::kIpv4: return "ipv4-addr:value";
    case Kind::kIpv6: return "ipv6-addr:value";
    case Kind::kUrl: return "url:value";
    case Kind::kProcess: return "process:name";
    case Kind::kEmail: return "email-addr:value";
    case Kind::kFileName: return "file:name";
    case Kind::kFilePath: return "file:path";
    case Kind::kFileMd5: return "file:hashes.md5";
    case Kind::kFileSha1: return "file:hashes.sha1";
    case Kind::kFileSha256: return "file:hashes.sha256";
    case Kind::kAppCertHash: return "app:cert";
    case Kind::kAppId: return "app:id";
    case Kind::kProfileId: return "configuration-profile:id";
    case Kind::kAndroidProperty: return "android-property:name";
  }
  return "unknown";
}

// ---- building -------------------------------------------------------------------------------------------

IndicatorSetBuilder::IndicatorSetBuilder() : impl_(std::make_unique<IndicatorSet::Impl>()) {}

void IndicatorSetBuilder::add(ParsedFile file) {
  impl_->reports.push_back(std::move(file.report));
  for (auto& collection : file.collections) {
    impl_->total += collection.count;
    impl_->collections.push_back(std::move(collection));
  }
  for (auto& indicator : file.indicators) impl_->indicators.push_back(std::move(indicator));
}

IndicatorSet IndicatorSetBuilder::build() && {
  IndicatorSet::Impl& impl = *impl_;
  const auto add = [](ValueIndex& index, std::string key, std::uint32_t position) {
    index.insert(std::move(key), position);  // keeps the earliest indicator for a key
  };
  for (std::uint32_t i = 0; i < impl.indicators.size(); ++i) {
    const Indicator& indicator = impl.indicators[i];
    const std::string& value = indicator.value;
    ++impl.per_kind[static_cast<std::size_t>(indicator.kind)];
    switch (indicator.kind) {
      case Kind::kUrl: add(impl.urls, value, i); break;
      case Kind::kDomain: {
        // A domain IOC that is an IP literal, or a public suffix such as "firebaseio.com" (private PSL
        // section), only ever matches exactly: widening it would flag every tenant of a hosting platform.
        const auto host = normalise_host(value);
        if (host && host->type != HostType::kDomain) {
          add(impl.exact_hosts, host->name, i);
        } else if (is_public_suffix(value)) {
          add(impl.exact_hosts, value, i);
        } else {
          add(impl.domains, value, i);
        }
        break;
      }
      case Kind::kIpv4:
      case Kind::kIpv6: add(impl.exact_hosts, value, i); break;
      case Kind::kProcess:
        add(impl.processes, value, i);
        if (value.size() > kTruncatedProcessLength)
          add(impl.process_prefixes, value.substr(0, kTruncatedProcessLength), i);
        break;
      case Kind::kEmail: add(impl.emails, ascii_lowercase(value), i); break;
      case Kind::kFileName: add(impl.file_names, value, i); break;
      case Kind::kFilePath: add(impl.file_paths, value, i); break;
      case Kind::kFileMd5: add(impl.md5, ascii_lowercase(value), i); break;
      case Kind::kFileSha1: add(impl.sha1, ascii_lowercase(value), i); break;
      case Kind::kFileSha256: add(impl.sha256, ascii_lowercase(value), i); break;
      case Kind::kAppCertHash: add(impl.cert_hashes, ascii_lowercase(value), i); break;
      case Kind::kAppId: add(impl.app_ids, ascii_lowercase(value), i); break;
      case Kind::kProfileId: add(impl.profiles, ascii_lowercase(value), i); break;
      case Kind::kAndroidProperty: add(impl.android_properties, ascii_lowercase(value), i); break;
    }
  }
  return IndicatorSet(std::move(impl_));
}

// ---- IndicatorSet ---------------------------------------------------------------------------------------

IndicatorSet::IndicatorSet() : impl_(std::make_unique<Impl>()) {}
IndicatorSet::IndicatorSet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
IndicatorSet::~IndicatorSet() = default;
IndicatorSet::IndicatorSet(IndicatorSet&&) noexcept = default;
IndicatorSet& IndicatorSet::operator=(IndicatorSet&&) noexcept = default;

std::size_t IndicatorSet::size() const noexcept {
  return impl_ ? impl_->total : 0;
}
const std::vector<Collection>& IndicatorSet::collections() const noexcept {
  return impl_->collections;
}
const std::vector<FileReport>& IndicatorSet::file_reports() const noexcept {
  return impl_->reports;
}
const std::vector<Indicator>& IndicatorSet::indicators() const noexcept {
  return impl_->indicators;
}
std::size_t IndicatorSet::count(Kind kind) const noexcept {
  return impl_->per_kind[static_cast<std::size_t>(kind)];
}

std::vector<std::string> IndicatorSet::files() const {
  std::vector<std::string> out;
  std::set<std::string_view> seen;
  for (const Collection& collection : impl_->collections) {
    if (seen.insert(collection.stix2_file_path).second) out.push_back(collection.stix2_file_path);
  }
  return out;
}

namespace {

// "{prefix}"{subject}" matching indicators from "{collection}"" — the shape of most MVT messages.
Match simple_match(const Indicator& indicator, std::string_view prefix, std::string_view subject,
                   std::string_view middle = " matching indicators from ") {
  Match match{&indicator, {}};
  std::string& m = match.message;
  m.reserve(prefix.size() + subject.size() + middle.size() + indicator.collection.size() + 8);
  m.append(prefix);
  quote_into(m, subject);
  m.append(middle);
  quote_into(m, indicator.collection);
  return match;
}

// "{prefix} {url} matching indicator "{ioc}" from "{collection}"" — MVT's URL/domain messages.
Match url_match(const Indicator& indicator, std::string_view prefix, std::string_view shown) {
  Match match{&indicator, {}};
  std::string& m = match.message;
  m.append(prefix);
  m.push_back(' ');
  m.append(shown);
  m.append(" matching indicator ");
  quote_into(m, indicator.value);
  m.append(" from ");
  quote_into(m, indicator.collection);
  return match;
}

}  // namespace

// Host against domain/IP IOCs: equal, or a subdomain on a label boundary; `shown` goes into the message.
static std::optional<Match> match_host(const IndicatorSet::Impl& impl, const Host& host, std::string_view shown) {
  if (host.type != HostType::kDomain) {
    const std::uint32_t hit = find(impl.exact_hosts, host.name);
    if (hit == kNone) return std::nullopt;
    return url_match(impl.indicators[hit], "Found a known suspicious domain", shown);
  }
  const std::string_view name = host.name;
  std::uint32_t best = find(impl.exact_hosts, name);
  if (!impl.domains.empty()) {
    // One right-to-left pass hashes every label suffix; each is one probe of the domain index.
    std::uint64_t state = FlatIndex::kSeed;
    for (std::size_t i = name.size(); i > 0; --i) {
      state = FlatIndex::step(state, name[i - 1]);
      if (i == 1 || name[i - 2] == '.') {
        best = std::min(best, impl.domains.find_hashed(name.substr(i - 1), FlatIndex::finish(state)));
      }
    }
  }
  if (best == kNone) return std::nullopt;
  const Indicator& indicator = impl.indicators[best];
  // MVT strips "www." before comparing, so "www.evil.com" is "the" domain evil.com, not a sub-domain.
  const bool same = indicator.value == name || indicator.value == strip_www(name);
  return url_match(indicator,
                   same ? "Found a known suspicious domain" : "Found a sub-domain with a suspicious top level", shown);
}

std::optional<Match> IndicatorSet::match_url(std::string_view url) const {
  if (url.empty()) return std::nullopt;
  if (const std::uint32_t hit = find(impl_->urls, url); hit != kNone) {
    return url_match(impl_->indicators[hit], "Found a known suspicious URL", url);
  }
  const auto host = extract_host(url);
  if (!host) return std::nullopt;
  return match_host(*impl_, *host, url);
}

std::optional<Match> IndicatorSet::match_domain(std::string_view host_or_url) const {
  if (host_or_url.empty()) return std::nullopt;
  const auto host = extract_host(host_or_url);
  if (!host) return std::nullopt;
  return match_host(*impl_, *host, host_or_url);
}

UrlCheck IndicatorSet::match_url_expanded(std::string_view url, const ShortUrlResolver* resolver) const {
  UrlCheck check;
  check.final_url = std::string(url);
  if (url.empty()) return check;
  if (const std::uint32_t hit = find(impl_->urls, url); hit != kNone) {
    check.match = url_match(impl_->indicators[hit], "Found a known suspicious URL", url);
    return check;
  }
  check.shortened = resolver != nullptr ? resolver->is_shortener(url) : is_shortened(url);
  if (check.shortened) {
    if (resolver == nullptr) {
      check.expansion_error = Error{ErrorCode::kUnsupported,
                                    "shortened URL not expanded (offline; use --resolve-short-urls to expand it)", ""};
    } else if (auto expanded = resolver->expand(url)) {
      check.final_url = std::move(*expanded);
      check.expanded = true;
    } else {
      check.expansion_error = expanded.error();
    }
  }
  if (check.expanded && check.final_url != url) {
    const std::string shown = check.final_url + " shortened as " + std::string(url);
    if (const std::uint32_t hit = find(impl_->urls, check.final_url); hit != kNone) {
      check.match = url_match(impl_->indicators[hit], "Found a known suspicious URL", shown);
      return check;
    }
    if (const auto host = extract_host(check.final_url)) {
      if (auto match = match_host(*impl_, *host, shown)) {
        check.match = std::move(match);
        return check;
      }
    }
  }
  if (const auto host = extract_host(url)) check.match = match_host(*impl_, *host, url);
  return check;
}

std::optional<Match> IndicatorSet::match_process(std::string_view process) const {
  const std::string_view name = basename(process);
  if (name.empty()) return std::nullopt;
  const std::uint32_t exact = find(impl_->processes, name);
  const std::uint32_t truncated = name.size() == kTruncatedProcessLength ? find(impl_->process_prefixes, name) : kNone;
  if (exact == kNone && truncated == kNone) return std::nullopt;
  if (exact <= truncated) {
    return simple_match(impl_->indicators[exact], "Found a known suspicious process name ", process);
  }
  return simple_match(impl_->indicators[truncated], "Found a truncated known suspicious process name ", process);
}

std::optional<Match> IndicatorSet::match_email(std::string_view email) const {
  if (email.empty()) return std::nullopt;
  const std::uint32_t hit = find(impl_->emails, ascii_lowercase(email));
  if (hit == kNone) return std::nullopt;
  return simple_match(impl_->indicators[hit], "Found a known suspicious email address ", email);
}

std::optional<Match> IndicatorSet::match_file_name(std::string_view name) const {
  if (name.empty()) return std::nullopt;
  const std::uint32_t hit = find(impl_->file_names, name);
  if (hit == kNone) return std::nullopt;
  return simple_match(impl_->indicators[hit], "Found a known suspicious file name ", name);
}

std::optional<Match> IndicatorSet::match_file_path(std::string_view path) const {
  if (path.empty()) return std::nullopt;
  if (auto by_name = match_file_name(basename(path))) return by_name;
  // Prefix on whole components: "/tmp/hooker" matches "/tmp/hooker" and "/tmp/hooker/x", never
  // "/tmp/hookers.plist". Each component boundary is one hash lookup.
  std::string_view trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.remove_suffix(1);
  std::uint32_t best = find(impl_->file_paths, trimmed);
  for (std::size_t i = 1; i < trimmed.size(); ++i) {
    if (trimmed[i] == '/') best = std::min(best, find(impl_->file_paths, trimmed.substr(0, i)));
  }
  if (trimmed.size() > 1 && trimmed.front() == '/') best = std::min(best, find(impl_->file_paths, "/"));
  if (best == kNone) return std::nullopt;
  // (sic) "form": MVT's wording, which analysts' scripts search for.
  return simple_match(impl_->indicators[best], "Found a known suspicious file path ", path,
                      " matching indicators form ");
}

std::optional<Match> IndicatorSet::match_file_path_process(std::string_view path) const {
  std::uint32_t best = kNone;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto end = std::min(path.find('/', start), path.size());
    if (end > start) best = std::min(best, find(impl_->processes, path.substr(start, end - start)));
    start = end + 1;
  }
  if (best == kNone) return std::nullopt;
  return simple_match(impl_->indicators[best], "Found known suspicious process name mentioned in file at path ", path);
}

std::optional<Match> IndicatorSet::match_profile(std::string_view uuid) const {
  if (uuid.empty()) return std::nullopt;
  const std::uint32_t hit = find(impl_->profiles, ascii_lowercase(uuid));
  if (hit == kNone) return std::nullopt;
  return simple_match(impl_->indicators[hit], "Found a known suspicious profile ID ", uuid);
}

std::optional<Match> IndicatorSet::match_file_hash(std::string_view hash) const {
  const ValueIndex* index = nullptr;
  switch (hash.size()) {
    case 32: index = &impl_->md5; break;
    case 40: index = &impl_->sha1; break;
    case 64: index = &impl_->sha256; break;
    default: return std::nullopt;
  }
  const std::uint32_t hit = find(*index, ascii_lowercase(hash));
  if (hit == kNone) return std::nullopt;
  return simple_match(impl_->indicators[hit], "Found a known suspicious file with hash ", hash);
}

std::optional<Match> IndicatorSet::match_app_cert_hash(std::string_view hash) const {
  if (hash.empty()) return std::nullopt;
  const std::uint32_t hit = find(impl_->cert_hashes, ascii_lowercase(hash));
  if (hit == kNone) return std::nullopt;
  // (sic) "certfificate": MVT's wording, kept for scripts that grep it.
  return simple_match(impl_->indicators[hit], "Found a known suspicious app certfificate with hash ", hash);
}

std::optional<Match> IndicatorSet::match_app_id(std::string_view app_id) const {
  if (app_id.empty()) return std::nullopt;
  const std::uint32_t hit = find(impl_->app_ids, ascii_lowercase(app_id));
  if (hit == kNone) return std::nullopt;
  return simple_match(impl_->indicators[hit], "Found a known suspicious app with ID ", app_id);
}

std::optional<Match> IndicatorSet::match_android_property(std::string_view name) const {
  if (name.empty()) return std::nullopt;
  const std::uint32_t hit = find(impl_->android_properties, ascii_lowercase(name));
  if (hit == kNone) return std::nullopt;
  return simple_match(impl_->indicators[hit], "Found a known suspicious Android property ", name);
}

}  // namespace lumiere::ioc
