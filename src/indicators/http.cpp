#include "indicators/http.hpp"

#include <curl/curl.h>

#include <memory>

#include "core/version.hpp"

namespace lumiere::ioc {
namespace {

// curl_global_init is not thread-safe; a function-local static runs it exactly once.
void ensure_curl_initialised() {
  static const bool kInitialised = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  (void)kInitialised;
}

struct CurlDeleter {
  void operator()(CURL* handle) const noexcept { curl_easy_cleanup(handle); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;

struct BodySink {
  std::string* body = nullptr;
  std::size_t limit = 0;
  bool overflow = false;
};

std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  const std::size_t bytes = size * count;
  if (sink->body->size() + bytes > sink->limit) {
    sink->overflow = true;
    return 0;  // makes curl abort the transfer
  }
  sink->body->append(data, bytes);
  return bytes;
}

}  // namespace

Result<HttpResponse> http_request(const HttpRequest& request) {
  ensure_curl_initialised();
  const CurlHandle curl(curl_easy_init());
  if (!curl) return unexpected(ErrorCode::kInternal, "cannot create a libcurl handle", request.url);
  HttpResponse response;
  BodySink sink{&response.body, request.max_body};
  CURL* h = curl.get();
  const std::string agent = std::string("lumiere/") + kVersion;
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // signals and threads do not mix
  curl_easy_setopt(h, CURLOPT_USERAGENT, agent.c_str());
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, request.follow_redirects ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(h, CURLOPT_NOBODY, request.head ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.max_body));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &write_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  const CURLcode code = curl_easy_perform(h);
  if (code != CURLE_OK) {
    if (sink.overflow || code == CURLE_FILESIZE_EXCEEDED) {
      return unexpected(ErrorCode::kLimitExceeded,
                        "download larger than " + std::to_string(request.max_body) + " bytes", request.url);
    }
    return unexpected(ErrorCode::kNetwork, curl_easy_strerror(code), request.url);
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  char* redirect = nullptr;
  if (curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &redirect) == CURLE_OK && redirect != nullptr) {
    response.redirect_url = redirect;
  }
  return response;
}

}  // namespace lumiere::ioc
