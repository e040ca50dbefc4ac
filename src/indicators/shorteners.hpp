// URL-shortener detection (spec §4.3 step 4). The domain list is data/url_shorteners.txt, compiled into
// the binary so that lumiere works without the source tree.
#pragma once

#include <string_view>

namespace lumiere::ioc {

// True when the URL's host (lowercased, exact leading "www." removed) is a known shortener domain, except
// goo.gl links whose path starts with /maps/ (Google Maps short links are not redirectors to check).
bool is_shortened(std::string_view url);

// True when the host itself (already normalised) is on the list.
bool is_shortener_host(std::string_view host);

// Number of domains on the embedded list (for `lumiere iocs list` and tests).
std::size_t shortener_count();

}  // namespace lumiere::ioc
