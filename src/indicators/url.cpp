#include "indicators/url.hpp"

#include <arpa/inet.h>
#include <idn2.h>
#include <libpsl.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "core/ascii.hpp"

namespace lumiere::ioc {
namespace {

constexpr std::size_t kMaxHostLength = 1024;  // DNS allows 253; anything far longer is junk, not a host

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Browsers decode %XX in hosts ("evil%2Ecom" is evil.com), so an attacker can use it to dodge a naive match.
std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

struct PslDeleter {
  void operator()(psl_ctx_t* ctx) const noexcept { psl_free(ctx); }
};

// The newest list available: the Debian `publicsuffix` package's file when present, else libpsl's built-in
// copy. Loaded once, never modified afterwards, so concurrent queries are safe.
const psl_ctx_t* public_suffix_list() {
  static const std::unique_ptr<psl_ctx_t, PslDeleter> kLatest(psl_latest(nullptr));
  return kLatest ? kLatest.get() : psl_builtin();
}

// WHATWG URL rule: a host whose last label is numeric is an IPv4 address in one of inet_aton's forms
// ("0x7f.1", "2130706433"); browsers connect to it, so IOC matching must see the canonical dotted quad.
bool ends_in_number(std::string_view host) noexcept {
  const auto dot = host.rfind('.');
  std::string_view last = dot == std::string_view::npos ? host : host.substr(dot + 1);
  if (last.empty()) return false;
  if (std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; })) return true;
  if (last.size() >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X')) {
    return std::all_of(last.begin() + 2, last.end(), [](char c) { return hex_value(c) >= 0; });
  }
  return false;
}

std::optional<std::string> canonical_ipv6(std::string_view text) {
  std::string copy(text);
  if (const auto zone = copy.find('%'); zone != std::string::npos) copy.resize(zone);
  in6_addr address{};
  if (inet_pton(AF_INET6, copy.c_str(), &address) != 1) return std::nullopt;
  std::array<char, INET6_ADDRSTRLEN> buffer{};
  if (inet_ntop(AF_INET6, &address, buffer.data(), buffer.size()) == nullptr) return std::nullopt;
  return std::string(buffer.data());
}

std::optional<std::string> canonical_ipv4(const std::string& text) {
  in_addr address{};
  if (inet_aton(text.c_str(), &address) == 0) return std::nullopt;
  // Formatted by hand: inet_ntop goes through printf, which dominated the cost of an IP URL check.
  const std::uint32_t value = ntohl(address.s_addr);
  std::string out;
  out.reserve(15);
  for (int shift = 24; shift >= 0; shift -= 8) {
    const auto octet = static_cast<unsigned>((value >> static_cast<unsigned>(shift)) & 0xFFU);
    if (octet >= 100) out.push_back(static_cast<char>('0' + octet / 100));
    if (octet >= 10) out.push_back(static_cast<char>('0' + (octet / 10) % 10));
    out.push_back(static_cast<char>('0' + octet % 10));
    if (shift > 0) out.push_back('.');
  }
  return out;
}

struct FreeDeleter {
  void operator()(char* p) const noexcept { std::free(p); }  // NOLINT(cppcoreguidelines-no-malloc)
};

std::optional<std::string> to_punycode(const std::string& host) {
  for (const int flags : {IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT, IDN2_TRANSITIONAL | IDN2_NFC_INPUT}) {
    char* out = nullptr;
    if (idn2_to_ascii_8z(host.c_str(), &out, flags) == IDN2_OK && out != nullptr) {
      const std::unique_ptr<char, FreeDeleter> owned(out);
      return std::string(owned.get());
    }
    std::free(out);  // NOLINT(cppcoreguidelines-no-malloc)
  }
  return std::nullopt;
}

void lowercase_and_strip_dots(std::string& host) {
  for (char& c : host) c = ascii_lower(c);
  while (!host.empty() && host.back() == '.') host.pop_back();
}

}  // namespace

std::string fix_protocol(std::string_view url) {
  if (url.starts_with("//") || url.starts_with("http://") || url.starts_with("https://")) return std::string(url);
  std::string fixed = "https://";
  fixed.append(url);
  return fixed;
}

std::optional<Host> normalise_host(std::string_view raw) {
  raw = ascii_trim(raw);
  if (raw.empty() || raw.size() > kMaxHostLength) return std::nullopt;
  std::string host = raw.find('%') != std::string_view::npos ? percent_decode(raw) : std::string(raw);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);

  if (host.find(':') != std::string::npos) {
    auto ipv6 = canonical_ipv6(host);
    if (!ipv6) return std::nullopt;
    return Host{std::move(*ipv6), HostType::kIpv6};
  }

  lowercase_and_strip_dots(host);
  const bool ascii = std::all_of(host.begin(), host.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (!ascii) {
    // A host that is not valid IDNA (or not UTF-8) is kept byte for byte: it can still equal an IOC that
    // was written the same way, and it must not crash or vanish.
    if (auto puny = to_punycode(host)) {
      host = std::move(*puny);
      lowercase_and_strip_dots(host);
    }
  }
  if (host.empty()) return std::nullopt;
  if (ends_in_number(host)) {
    if (auto ipv4 = canonical_ipv4(host)) return Host{std::move(*ipv4), HostType::kIpv4};
  }
  return Host{std::move(host), HostType::kDomain};
}

std::optional<Host> extract_host(std::string_view url) {
  url = ascii_trim(url);
  std::string_view rest = url;
  if (rest.starts_with("//")) {
    rest.remove_prefix(2);
  } else {
    // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) followed by "://"; hand-rolled because this is
    // the hot path of every URL check.
    std::size_t i = 0;
    const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    if (!rest.empty() && alpha(rest[0])) {
      ++i;
      while (i < rest.size() && (alpha(rest[i]) || (rest[i] >= '0' && rest[i] <= '9') || rest[i] == '+' ||
                                 rest[i] == '-' || rest[i] == '.')) {
        ++i;
      }
      if (rest.substr(i, 3) == "://") rest.remove_prefix(i + 3);
    }
  }
  std::size_t end = 0;
  while (end < rest.size() && rest[end] != '/' && rest[end] != '?' && rest[end] != '#' && rest[end] != '\\') ++end;
  std::string_view authority = rest.substr(0, end);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (authority.empty()) return std::nullopt;

  std::string_view host = authority;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(1, close - 1);
    auto ipv6 = canonical_ipv6(host);
    if (!ipv6) return std::nullopt;
    return Host{std::move(*ipv6), HostType::kIpv6};
  }
  if (std::count(authority.begin(), authority.end(), ':') >= 2) {
    // A bare IPv6 address (as found in logs: "2001:db8::1") rather than host:port.
    if (auto ipv6 = canonical_ipv6(authority)) return Host{std::move(*ipv6), HostType::kIpv6};
  }
  if (const auto colon = authority.find(':'); colon != std::string_view::npos) host = authority.substr(0, colon);
  return normalise_host(host);
}

std::string_view strip_www(std::string_view host) noexcept {
  if (host.size() > 4 && host.starts_with("www.")) host.remove_prefix(4);
  return host;
}

std::optional<std::string> registrable_domain(std::string_view host) {
  if (host.empty() || host.size() > kMaxHostLength) return std::nullopt;
  const std::string copy(host);
  const char* domain = psl_registrable_domain(public_suffix_list(), copy.c_str());
  if (domain == nullptr) return std::nullopt;
  return std::string(domain);
}

bool is_public_suffix(std::string_view host) {
  if (host.empty() || host.size() > kMaxHostLength) return false;
  std::string copy(host);
  for (char& c : copy) c = ascii_lower(c);
  return psl_is_public_suffix2(public_suffix_list(), copy.c_str(), PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0;
}

bool has_known_public_suffix(std::string_view host) {
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  const auto dot = host.rfind('.');
  return is_public_suffix(dot == std::string_view::npos ? host : host.substr(dot + 1));
}

bool looks_like_domain(std::string_view text) {
  text = ascii_trim(text);
  if (text.empty() || text.find_first_of("/:@?#\\ ") != std::string_view::npos) return false;
  const auto host = normalise_host(text);
  if (!host || host->type != HostType::kDomain) return false;
  const std::string& name = host->name;
  const auto last_dot = name.rfind('.');
  if (last_dot == std::string::npos || last_dot == 0) return false;
  std::size_t label_start = 0;
  while (label_start <= name.size()) {
    const auto end = std::min(name.find('.', label_start), name.size());
    const std::string_view label(name.data() + label_start, end - label_start);
    if (label.empty() || label.size() > 63) return false;
    const bool valid = std::all_of(label.begin(), label.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
    if (!valid) return false;
    label_start = end + 1;
  }
  return has_known_public_suffix(name) && !is_public_suffix(name);
}

}  // namespace lumiere::ioc
