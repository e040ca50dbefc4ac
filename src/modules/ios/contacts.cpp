// Artifact: HomeDomain Library/AddressBook/AddressBook.sqlitedb (all iOS versions): ABPerson (ROWID, First,
// Middle, Last, Organization) and ABMultiValue (record_id → ABPerson.ROWID, value). Spec §3.3 Contacts.
#include "modules/ios/contacts.hpp"

#include <fmt/core.h>

#include "modules/ios/common.hpp"
#include "modules/ios/ios_modules.hpp"

namespace lumiere::modules::ios {
namespace {

class Contacts final : public RecordModule<ContactRecord> {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return contacts_descriptor(); }

 protected:
  [[nodiscard]] Result<std::vector<ContactRecord>> extract(ModuleContext& ctx) const override {
    auto records = extract_each_database<ContactRecord>(ctx, parse_contacts);
    if (!records) return records;
    ctx.log().info(ctx.logger_name(), fmt::format("Extracted {} contacts from the address book", records->size()));
    return records;
  }

  [[nodiscard]] Json to_json(const ContactRecord& r) const override {
    Json j = Json::object();
    j["value"] = r.value;
    j["first"] = r.first;
    j["middle"] = r.middle;
    j["last"] = r.last;
    j["organization"] = r.organization;
    return j;
  }

  [[nodiscard]] std::optional<ContactRecord> from_json(const Json& stored) const override {
    if (!stored.is_object()) return std::nullopt;
    return ContactRecord{};  // no indicator check: nothing to rebuild
  }
};

}  // namespace

Result<std::vector<ContactRecord>> parse_contacts(const sqlite::Database& db) {
  auto person = table_columns(db, "ABPerson");
  if (!person) return std::move(person).error();
  auto multi = table_columns(db, "ABMultiValue");
  if (!multi) return std::move(multi).error();
  if (!person->exists()) return unsupported_schema(db, "no table ABPerson");
  if (!multi->exists()) return unsupported_schema(db, "no table ABMultiValue");
  for (const auto column : {"First", "Middle", "Last", "Organization"}) {
    if (!person->has(column)) return unsupported_schema(db, fmt::format("table ABPerson has no column {}", column));
  }
  for (const auto column : {"record_id", "value"}) {
    if (!multi->has(column)) return unsupported_schema(db, fmt::format("table ABMultiValue has no column {}", column));
  }
  auto stmt = db.prepare(
      "SELECT multi.value AS value, person.First AS first, person.Middle AS middle, person.Last AS last, "
      "person.Organization AS organization FROM ABPerson person, ABMultiValue multi "
      "WHERE person.ROWID = multi.record_id AND multi.value NOT NULL ORDER BY person.ROWID ASC, multi.ROWID ASC");
  if (!stmt) return std::move(stmt).error();
  std::vector<ContactRecord> records;
  while (true) {
    auto row = stmt->step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    records.push_back(ContactRecord{.value = column_json(*stmt, "value"),
                                    .first = column_json(*stmt, "first"),
                                    .middle = column_json(*stmt, "middle"),
                                    .last = column_json(*stmt, "last"),
                                    .organization = column_json(*stmt, "organization")});
  }
  return records;
}

const ModuleDescriptor& contacts_descriptor() {
  static const ModuleDescriptor kDescriptor{
      .id = "ios.contacts",
      .slug = "contacts",
      .mvt_class = "Contacts",
      .description = "Address book entries (AddressBook.sqlitedb): phone numbers, e-mails and names",
      .sources = {SourceKind::kIosBackup},
      .locations = {{.domain = "HomeDomain",
                     .relative_path = "Library/AddressBook/AddressBook.sqlitedb",
                     .fs_glob = ""}},
      .timestamp_fields = {},
      .dependencies = {},
      .shape = ResultsShape::kList,
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_contacts() {
  return std::make_unique<Contacts>();
}

}  // namespace lumiere::modules::ios
