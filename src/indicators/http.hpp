// The only network code of the indicator engine (libcurl), used by `iocs update` and, when the user asks
// for it, short-URL expansion. Nothing else in lumiere opens a connection.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "core/result.hpp"

namespace lumiere::ioc {

struct HttpRequest {
  std::string url;
  bool head = false;  // HEAD instead of GET
  bool follow_redirects = false;
  std::chrono::milliseconds timeout{15000};
  std::size_t max_body = std::size_t{256} * 1024 * 1024;  // a larger download is refused (kLimitExceeded)
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::string redirect_url;  // absolute Location of a 3xx that was not followed, else empty
};

// Performs one request (http and https only). Network and protocol failures are kNetwork errors; any
// HTTP status is a success at this level: callers decide what a 404 means.
Result<HttpResponse> http_request(const HttpRequest& request);

}  // namespace lumiere::ioc
