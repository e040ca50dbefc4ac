#include "indicators/resolver.hpp"

#include <algorithm>

#include "indicators/http.hpp"
#include "indicators/shorteners.hpp"
#include "indicators/url.hpp"

namespace lumiere::ioc {

ShortUrlResolver::ShortUrlResolver() = default;
ShortUrlResolver::ShortUrlResolver(Options options) : options_(std::move(options)) {}

bool ShortUrlResolver::is_shortener(std::string_view url) const {
  if (is_shortened(url)) return true;
  if (options_.extra_shortener_hosts.empty()) return false;
  const auto host = extract_host(url);
  if (!host) return false;
  return std::find(options_.extra_shortener_hosts.begin(), options_.extra_shortener_hosts.end(), host->name) !=
         options_.extra_shortener_hosts.end();
}

Result<std::string> ShortUrlResolver::resolve_once(std::string_view url) const {
  HttpRequest request;
  request.url = fix_protocol(url);
  if (request.url.starts_with("//")) request.url.insert(0, "https:");
  request.head = true;
  request.timeout = options_.timeout;
  auto response = http_request(request);
  if (!response) return unexpected(response.error());
  if (response->status >= 300 && response->status < 400 && !response->redirect_url.empty()) {
    return std::move(response->redirect_url);
  }
  return unexpected(ErrorCode::kNetwork,
                    "short URL did not redirect (HTTP status " + std::to_string(response->status) + ")",
                    std::string(url));
}

Result<std::string> ShortUrlResolver::expand(std::string_view url) const {
  auto first = resolve_once(url);
  if (!first) return first;
  std::string current = std::move(*first);
  for (int depth = 1; depth < options_.max_depth && is_shortener(current); ++depth) {
    auto next = resolve_once(current);
    if (!next) break;
    current = std::move(*next);
  }
  return current;
}

}  // namespace lumiere::ioc
