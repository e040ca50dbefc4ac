// A record's fields declared once: the JSON key (MVT's), the SQL column it is read from, and the member that
// holds it. The same table writes the record's JSON (to_json, in declaration order), reads it back (from_json,
// check-iocs) and fills it from a query row, so a field name is written once per module.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/json.hpp"
#include "core/sqlite.hpp"

namespace lumiere {

// How a text field meets invalid UTF-8: kept as read (kRaw), shown as \xNN when read (kOnRead: the record
// holds display text) or only in its JSON (kOnWrite: the record keeps the bytes its checks compare).
enum class Text { kRaw, kOnRead, kOnWrite };
// How a BLOB read into a Json field is written: backslashreplace text, or base64 where MVT encodes it.
enum class Blob { kText, kBase64 };

// One column value as MVT's JSON encoder writes it: integers, floats, text (invalid UTF-8 as \xNN), NULL as
// null; BLOBs as base64 text (Blob::kBase64) or backslashreplace text.
Json column_value(const sqlite::Statement& stmt, int column, Blob blob = Blob::kText);

template <class Record>
struct Field {
  std::string_view name;    // JSON key
  std::string_view column;  // the query's column (alias) it is read from; empty: the parse function fills it
  Json (*get)(const Record& record);
  void (*set)(Record& record, const Json& stored);
  void (*read)(Record& record, const sqlite::Statement& row, int column);
};

namespace detail {

template <class M>
struct MemberOf;
template <class R, class T>
struct MemberOf<T R::*> {
  using Record = R;
  using Type = T;
};

template <class T, Text kText, Blob kBlob>
struct Codec;

template <Text kText, Blob kBlob>
struct Codec<Json, kText, kBlob> {
  static Json write(const Json& v) { return v; }
  static Json parse(const Json& stored) { return stored; }
  static Json read(const sqlite::Statement& row, int c) { return column_value(row, c, kBlob); }
};
template <Text kText, Blob kBlob>
struct Codec<std::string, kText, kBlob> {
  static Json write(const std::string& v) {
    if constexpr (kText == Text::kOnWrite) return json_text(v);
    return v;
  }
  static std::string parse(const Json& stored) { return stored.is_string() ? stored.get<std::string>() : ""; }
  static std::string read(const sqlite::Statement& row, int c) {
    if constexpr (kText == Text::kOnRead) return utf8_backslashreplace(row.text(c));
    return row.text(c);
  }
};
template <Text kText, Blob kBlob>
struct Codec<std::optional<std::string>, kText, kBlob> {
  static Json write(const std::optional<std::string>& v) {
    return v ? Codec<std::string, kText, kBlob>::write(*v) : Json(nullptr);
  }
  static std::optional<std::string> parse(const Json& stored) {
    if (!stored.is_string()) return std::nullopt;
    return stored.get<std::string>();
  }
  static std::optional<std::string> read(const sqlite::Statement& row, int c) {
    if (row.is_null(c)) return std::nullopt;
    return Codec<std::string, kText, kBlob>::read(row, c);
  }
};
template <Text kText, Blob kBlob>
struct Codec<std::int64_t, kText, kBlob> {
  static Json write(std::int64_t v) { return v; }
  static std::int64_t parse(const Json& stored) { return stored.is_number() ? stored.get<std::int64_t>() : 0; }
  static std::int64_t read(const sqlite::Statement& row, int c) { return row.integer(c); }
};
template <Text kText, Blob kBlob>
struct Codec<std::optional<std::int64_t>, kText, kBlob> {
  static Json write(const std::optional<std::int64_t>& v) { return v ? Json(*v) : Json(nullptr); }
  static std::optional<std::int64_t> parse(const Json& stored) {
    if (!stored.is_number_integer()) return std::nullopt;
    return stored.get<std::int64_t>();
  }
  static std::optional<std::int64_t> read(const sqlite::Statement& row, int c) {
    if (row.is_null(c)) return std::nullopt;
    return row.integer(c);
  }
};
template <Text kText, Blob kBlob>
struct Codec<double, kText, kBlob> {
  static Json write(double v) { return v; }
  static double parse(const Json& stored) { return stored.is_number() ? stored.get<double>() : 0.0; }
  static double read(const sqlite::Statement& row, int c) { return row.real(c); }
};
template <Text kText, Blob kBlob>
struct Codec<bool, kText, kBlob> {
  static Json write(bool v) { return v; }
  static bool parse(const Json& stored) { return stored.is_boolean() && stored.get<bool>(); }
  static bool read(const sqlite::Statement& row, int c) { return row.integer(c) != 0; }
};

}  // namespace detail

// field<&Record::member>("json_key", "query_column"): one row of a record's field table.
template <auto kMember, Text kText = Text::kRaw, Blob kBlob = Blob::kText>
constexpr auto field(std::string_view name, std::string_view column = {}) {
  using Traits = detail::MemberOf<decltype(kMember)>;
  using Record = typename Traits::Record;
  using C = detail::Codec<typename Traits::Type, kText, kBlob>;
  return Field<Record>{
      name,
      column,
      [](const Record& r) { return C::write(r.*kMember); },
      [](Record& r, const Json& stored) { r.*kMember = C::parse(stored); },
      [](Record& r, const sqlite::Statement& row, int c) { r.*kMember = C::read(row, c); },
  };
}

// The record's JSON: every field, in table order.
template <class Record>
Json fields_to_json(std::span<const Field<Record>> fields, const Record& record) {
  Json j = Json::object();
  for (const auto& f : fields) j[std::string(f.name)] = f.get(record);
  return j;
}

// The record rebuilt from its stored JSON (absent keys read as null); std::nullopt when it is not an object.
template <class Record>
std::optional<Record> fields_from_json(std::span<const Field<Record>> fields, const Json& stored) {
  if (!stored.is_object()) return std::nullopt;
  Record record{};
  static const Json kNull;
  for (const auto& f : fields) {
    const auto it = stored.find(f.name);
    f.set(record, it != stored.end() ? *it : kNull);
  }
  return record;
}

// Fills the fields that name a column from the current row.
template <class Record>
void fields_from_row(std::span<const Field<Record>> fields, Record& record, const sqlite::Statement& row) {
  for (const auto& f : fields) {
    if (!f.column.empty()) f.read(record, row, row.index(f.column));
  }
}

}  // namespace lumiere
