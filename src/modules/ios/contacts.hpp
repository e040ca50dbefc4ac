#pragma once

#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace lumiere::modules::ios {

// One ABMultiValue (phone, e-mail, URL...) of an ABPerson, with the person's names.
struct ContactRecord {
  Json value;
  Json first;
  Json middle;
  Json last;
  Json organization;
};

Result<std::vector<ContactRecord>> parse_contacts(const sqlite::Database& db);

}  // namespace lumiere::modules::ios
