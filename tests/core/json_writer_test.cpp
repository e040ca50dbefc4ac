// The purpose-built JSON writer prints what nlohmann's dump prints, byte for byte: the MVT files and
// timeline.jsonl of every run depend on it.
#include "core/json_writer.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace lumiere {
namespace {

std::vector<Json> samples() {
  std::vector<Json> values;
  values.emplace_back(nullptr);
  values.emplace_back(true);
  values.emplace_back(false);
  values.emplace_back(0);
  values.emplace_back(-42);
  values.emplace_back(std::numeric_limits<std::int64_t>::min());
  values.emplace_back(std::numeric_limits<std::uint64_t>::max());
  for (const double x : {0.0, -0.0, 1.0, 0.1, 1e21, 1.5e-7, 725846400.123456, 3.141592653589793, 1e300,
                         std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()}) {
    values.emplace_back(x);
  }
  const std::vector<std::string> texts{
      "",
      "plain ascii",
      "quote \" backslash \\ slash /",
      std::string("controls \b\t\n\f\r \x01 \x1f \x7f end"),
      std::string("nul \0 inside", 12),
      "\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbf",
      "\\xff as shown by backslashreplace",
      // not valid UTF-8: nlohmann's `replace` rules apply
      "bad \xff byte",
      "truncated \xe2\x82",
      "overlong \xc0\xaf and surrogate \xed\xa0\x80 then ok \xc3\xa9",
      "\xf4\x90\x80\x80 above U+10FFFF",
      "lone continuation \x80\x80 x",
  };
  for (const auto& text : texts) values.emplace_back(text);
  values.push_back(Json::object());
  values.push_back(Json::array());
  Json nested = Json::object();
  nested["a"] = 1;
  nested["\xc3\xa9"] = Json::array({1, "two", nullptr, Json::object(), Json::array(), Json{{"x", 1.5}}});
  nested["deep"] = Json{{"k", Json{{"j", Json::array({Json::array({1})})}}}};
  nested["bad key \xff"] = "v";
  values.push_back(nested);
  values.push_back(Json::array({nested, nested}));
  return values;
}

TEST(JsonWriter, PrintsWhatNlohmannPrintsIndentedAndCompact) {
  for (const Json& value : samples()) {
    std::string indented;
    append_json(indented, value);
    EXPECT_EQ(indented, value.dump(4, ' ', true, Json::error_handler_t::replace))
        << value.dump(-1, ' ', true, Json::error_handler_t::replace);
    std::string compact;
    append_json(compact, value, JsonStyle::kCompact);
    EXPECT_EQ(compact, value.dump(-1, ' ', true, Json::error_handler_t::replace));
  }
}

TEST(JsonWriter, AtADepthPrintsAsInsideItsParent) {
  const Json nested = samples().back();
  const Json parent = Json::array({nested});
  std::string out = "[\n    ";
  append_json(out, nested, JsonStyle::kIndent4, 1);
  out += "\n]";
  EXPECT_EQ(out, parent.dump(4, ' ', true, Json::error_handler_t::replace));
}

// Writing member by member gives the text of the equivalent tree.
void write_tree(JsonWriter& writer, const Json& value) {
  if (value.is_object()) {
    writer.begin_object();
    for (const auto& [name, member] : value.items()) {
      writer.key(name);
      write_tree(writer, member);
    }
    writer.end_object();
  } else if (value.is_array()) {
    writer.begin_array();
    for (const auto& item : value) write_tree(writer, item);
    writer.end_array();
  } else if (value.is_null()) {
    writer.null();
  } else if (value.is_boolean()) {
    writer.boolean(value.get<bool>());
  } else if (value.is_number_integer() && !value.is_number_unsigned()) {
    writer.integer(value.get<std::int64_t>());
  } else if (value.is_number_float()) {
    writer.real(value.get<double>());
  } else if (value.is_string()) {
    writer.string(value.get<std::string>());
  } else {
    writer.value(value);
  }
}

TEST(JsonWriter, MemberByMemberEqualsTheTree) {
  for (const Json& value : samples()) {
    for (const JsonStyle style : {JsonStyle::kIndent4, JsonStyle::kCompact}) {
      std::string streamed;
      JsonWriter writer(streamed, style);
      write_tree(writer, value);
      std::string whole;
      append_json(whole, value, style);
      EXPECT_EQ(streamed, whole);
    }
  }
}

}  // namespace
}  // namespace lumiere
