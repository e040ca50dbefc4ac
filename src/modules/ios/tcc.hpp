#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace lumiere::modules::ios {

// The three layouts of TCC.db's `access` table.
enum class TccSchema {
  kV1,  // iOS <= 11: allowed, prompt_count, no last_modified
  kV2,  // iOS 12-13: allowed, prompt_count, last_modified
  kV3,  // iOS 14+: auth_value, auth_reason, last_modified
};

// One `access` row. v3 fills auth_value/auth_reason_desc; v1/v2 fill allowed_value/prompt_count.
struct TccRecord {
  TccSchema schema = TccSchema::kV3;
  std::string service;
  std::string client;
  std::string client_type;  // "bundle_id" or "absolute_path"
  std::string auth_value;
  std::string auth_reason_desc;
  std::string allowed_value;
  Json prompt_count;
  std::optional<std::string> last_modified;  // absent in v1
  std::string provenance;                    // backup domain/path of the database
};

Result<std::vector<TccRecord>> parse_tcc(const sqlite::Database& db);

}  // namespace lumiere::modules::ios
