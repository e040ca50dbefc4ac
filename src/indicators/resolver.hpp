// Short-URL expansion, used only when the user passes --resolve-short-urls (offline by default: a
// product decision, where MVT makes these requests unasked). One HEAD request per hop, redirects are read,
// never followed, so the destination itself is never contacted.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace lumiere::ioc {

class ShortUrlResolver {
 public:
  struct Options {
    std::chrono::milliseconds timeout{15000};  // per request, like MVT_NETWORK_TIMEOUT
    int max_depth = 5;                         // nested shorteners followed at most this many hops
    // Hosts treated as shorteners in addition to the embedded list (tests use a local server).
    std::vector<std::string> extra_shortener_hosts;
  };

  ShortUrlResolver();
  explicit ShortUrlResolver(Options options);

  // is_shortened(url), or the URL's host is one of options.extra_shortener_hosts.
  [[nodiscard]] bool is_shortener(std::string_view url) const;

  // One HEAD request: the Location of a 3xx answer (made absolute), else an error naming the status.
  [[nodiscard]] Result<std::string> resolve_once(std::string_view url) const;

  // Follows the chain while the destination is itself a shortener, up to max_depth hops. If a later hop
  // fails, the last destination reached is returned; an error only when the first request fails.
  [[nodiscard]] Result<std::string> expand(std::string_view url) const;

  [[nodiscard]] const Options& options() const noexcept { return options_; }

 private:
  Options options_;
};

}  // namespace lumiere::ioc
