// Artifact: HomeDomain Library/AddressBook/AddressBook.sqlitedb (all iOS versions): ABPerson (ROWID, First,
// Middle, Last, Organization) and ABMultiValue (record_id → ABPerson.ROWID, value). Spec §3.3 Contacts.
#include "modules/ios/contacts.hpp"

#include <fmt/core.h>

#include <array>

#include "modules/ios/common.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& contacts_descriptor();  // below; listed in src/framework/registry.cpp

namespace {

constexpr std::array kFields{
    field<&ContactRecord::value>("value", "value"),
    field<&ContactRecord::first>("first", "first"),
    field<&ContactRecord::middle>("middle", "middle"),
    field<&ContactRecord::last>("last", "last"),
    field<&ContactRecord::organization>("organization", "organization"),
};

const SqlSelect kSelect{
    .tables = {"ABPerson", "ABMultiValue"},
    .columns = {{"ABPerson", "First", "first", Need::kOptional},
                {"ABPerson", "Middle", "middle", Need::kOptional},
                {"ABPerson", "Last", "last", Need::kOptional},
                {"ABPerson", "Organization", "organization", Need::kOptional},
                {"ABMultiValue", "record_id", "record_id"},
                {"ABMultiValue", "value", "value"}},
    .rest =
        "FROM ABPerson, ABMultiValue WHERE ABPerson.ROWID = ABMultiValue.record_id AND ABMultiValue.value NOT NULL "
        "ORDER BY ABPerson.ROWID ASC, ABMultiValue.ROWID ASC",
};

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
    return fields_to_json<ContactRecord>(kFields, r);
  }

  [[nodiscard]] std::optional<ContactRecord> from_json(const Json& stored) const override {
    return fields_from_json<ContactRecord>(kFields, stored);  // no indicator check: rebuilt for completeness
  }
};

}  // namespace

Result<std::vector<ContactRecord>> parse_contacts(const sqlite::Database& db) {
  return select_records<ContactRecord>(db, kSelect, kFields);
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
      .evidence = &evidence::kOther,
      .parse = {.sqlite = &parse_entry<&parse_contacts, sqlite::Database>},
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_contacts() {
  return std::make_unique<Contacts>();
}

}  // namespace lumiere::modules::ios
