// Host extraction and normalisation for URL and domain matching (spec §4.3 as amended by product.md:
// exact `www.` handling, IP hosts compared exactly, IDN to punycode, no substring matching).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lumiere::ioc {

enum class HostType { kDomain, kIpv4, kIpv6 };

struct Host {
  std::string name;  // lowercase, no trailing dot, punycode; IPs in canonical text form (IPv6 without brackets)
  HostType type = HostType::kDomain;
};

// MVT's fix_protocol: prefix "https://" unless the text starts with "//", "http://" or "https://".
std::string fix_protocol(std::string_view url);

// Normalises a bare host name (no scheme, port or path): percent-decoding, lowercase, trailing dot removed,
// IDN to punycode (UTS #46), IPv4 in any inet_aton form and IPv6 canonicalised. std::nullopt for an empty
// or unusable host. A leading "www." is kept: matching treats it as part of the same domain instead.
std::optional<Host> normalise_host(std::string_view host);

// The host of a URL, with or without scheme ("evil.com/x", "//evil.com", "https://u:p@[::1]:8080/"):
// userinfo and port removed, then normalise_host().
std::optional<Host> extract_host(std::string_view url);

// Removes exactly one leading "www." (never MVT's lstrip of any run of 'w' and '.').
std::string_view strip_www(std::string_view host) noexcept;

// The registrable domain ("example.co.uk") of a normalised domain host per the Public Suffix List (ICANN and
// private sections); std::nullopt for IPs, public suffixes themselves and unknown suffixes.
std::optional<std::string> registrable_domain(std::string_view host);

// True when `host` (already normalised) is itself a public suffix, e.g. "com" or "firebaseio.com".
bool is_public_suffix(std::string_view host);

// True when the normalised host ends in a known public suffix (its last label is on the list, ignoring the
// PSL's implicit "*" rule): "x.evil.com", "evil.co.uk", "com"; not "Manifest.db" or "localhost".
bool has_known_public_suffix(std::string_view host);

// True when the text parses as a domain name whose last label is a known public suffix (not the PSL's
// implicit "*" rule) and which is not itself a public suffix: "evil.com" yes; "Manifest.db", "localhost",
// "1.2.3.4", "com" no. For deciding whether a free-form string (a plist value...) is worth a domain check.
bool looks_like_domain(std::string_view text);

}  // namespace lumiere::ioc
