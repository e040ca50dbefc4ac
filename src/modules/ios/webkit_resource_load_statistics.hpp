#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace lumiere::modules::ios {

// One row of WebKit's ObservedDomains table (observations.db), with the backup domain of the app it belongs to.
struct ObservedDomain {
  std::int64_t domain_id = 0;
  std::string registrable_domain;
  double last_seen = 0;  // Unix seconds
  bool had_user_interaction = false;
  std::string domain;  // backup domain of the file ("AppDomain-…"), "" when unknown
  std::string path;    // relative path of the file
  // Optional columns: absent in older or reduced layouts; nullopt when the column is missing.
  std::optional<double> most_recent_user_interaction_time;
  std::optional<double> most_recent_web_push_interaction_time;
};

// ObservedDomains rows. `domain`/`path` are copied into each record. kUnsupported when a required column
// (domainID, registrableDomain, lastSeen, hadUserInteraction) is missing.
Result<std::vector<ObservedDomain>> parse_observed_domains(const sqlite::Database& db, const std::string& domain,
                                                           const std::string& path);

}  // namespace lumiere::modules::ios
