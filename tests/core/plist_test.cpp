// Property lists: XML and binary, as written by Apple (Info.plist-like XML, bplist00 from CFBinaryPList), plus
// hostile binary plists crafted byte by byte (reference cycles, deep nesting, shared-object blow-up, forged
// trailers, truncation).
#include "core/plist.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <random>

#include "core/test_bytes.hpp"
#include "support/test_support.hpp"

namespace lumiere::plist {
namespace {

using test_bytes::to_bytes;

Value parse_ok(const Bytes& data) {
  auto v = parse(data, "fixture.plist");
  EXPECT_TRUE(v.has_value()) << (v ? "" : v.error().describe());
  return v ? *v : Value();
}

// Assembles a binary plist from encoded object bodies (object i at index i), the way CFBinaryPList lays it out.
Bytes bplist(const std::vector<Bytes>& objects, std::uint64_t top = 0, unsigned offset_size = 2,
             unsigned ref_size = 2) {
  Bytes out = to_bytes("bplist00");
  std::vector<std::uint64_t> offsets;
  for (const auto& o : objects) {
    offsets.push_back(out.size());
    out.insert(out.end(), o.begin(), o.end());
  }
  const std::uint64_t table = out.size();
  for (auto off : offsets) {
    for (unsigned i = offset_size; i-- > 0;) out.push_back(static_cast<std::uint8_t>(off >> (8 * i)));
  }
  for (int i = 0; i < 6; ++i) out.push_back(0);
  out.push_back(static_cast<std::uint8_t>(offset_size));
  out.push_back(static_cast<std::uint8_t>(ref_size));
  for (std::uint64_t v : {static_cast<std::uint64_t>(objects.size()), top, table}) {
    for (int i = 8; i-- > 0;) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  return out;
}

Bytes be(std::uint64_t v, unsigned n) {
  Bytes out;
  for (unsigned i = n; i-- > 0;) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  return out;
}

Bytes cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Bytes real_date(double mac_seconds) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &mac_seconds, sizeof bits);
  return cat(Bytes{0x33}, be(bits, 8));
}

constexpr std::string_view kInfoPlistXml = R"(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>Device Name</key>
	<string>Jane&apos;s iPhone &amp; co</string>
	<key>Product Version</key>
	<string>16.5.1</string>
	<key>Last Backup Date</key>
	<date>2021-03-04T05:06:07Z</date>
	<key>Battery</key>
	<integer>-42</integer>
	<key>Ratio</key>
	<real>0.25</real>
	<key>IsEncrypted</key>
	<true/>
	<key>WasPasscodeSet</key>
	<false/>
	<key>ICCID</key>
	<data>
	3q2+7w==
	</data>
	<!-- a comment with <array> inside must not count as nesting -->
	<key>Installed Applications</key>
	<array>
		<string>com.apple.mobilesafari</string>
		<string>net.whatsapp.WhatsApp</string>
	</array>
	<key>Empty</key>
	<dict/>
	<key>Ref</key>
	<dict><key>CF$UID</key><integer>7</integer></dict>
</dict>
</plist>
)";

TEST(PlistTest, ParsesXmlInfoPlistWithEveryType) {
  const Value v = parse_ok(to_bytes(kInfoPlistXml));
  const auto* dict = v.get_if<Dict>();
  ASSERT_NE(dict, nullptr);
  // File order is kept.
  ASSERT_EQ(dict->size(), 11U);
  EXPECT_EQ((*dict)[0].first, "Device Name");
  EXPECT_EQ((*dict)[10].first, "Ref");

  ASSERT_NE(v.find_string("Device Name"), nullptr);
  EXPECT_EQ(*v.find_string("Device Name"), "Jane's iPhone & co");
  EXPECT_EQ(*v.find_string("Product Version"), "16.5.1");
  // 2021-03-04T05:06:07Z is Unix 1614834367 (date -u -d @1614834367); Mac time = Unix - 978307200.
  EXPECT_EQ(*v.find("Last Backup Date"), Value(Date{1614834367.0 - 978307200.0}));
  EXPECT_EQ(*v.find("Battery"), Value(std::int64_t{-42}));
  EXPECT_EQ(*v.find("Ratio"), Value(0.25));
  EXPECT_EQ(*v.find("IsEncrypted"), Value(true));
  EXPECT_EQ(*v.find("WasPasscodeSet"), Value(false));
  EXPECT_EQ(*v.find("ICCID"), Value(Bytes{0xDE, 0xAD, 0xBE, 0xEF}));
  const auto* apps = v.find("Installed Applications")->get_if<Array>();
  ASSERT_NE(apps, nullptr);
  ASSERT_EQ(apps->size(), 2U);
  EXPECT_EQ((*apps)[1], Value("net.whatsapp.WhatsApp"));
  EXPECT_EQ(*v.find("Empty"), Value(Dict{}));
  // XML cannot hold a UID; CoreFoundation's CF$UID dictionary stands for one.
  EXPECT_EQ(*v.find("Ref"), Value(Uid{7}));

  EXPECT_EQ(v.find("Missing"), nullptr);
  EXPECT_EQ(v.find_string("Battery"), nullptr);
  EXPECT_EQ(Value(std::int64_t{1}).find("x"), nullptr);
}

TEST(PlistTest, BinaryRoundTripKeepsTypesOrderAndValues) {
  const Value original(Dict{
      {"zeta", Value("first key, not sorted")},
      {"unicode", Value("h\xC3\xA9llo \xE2\x9C\x93 \xF0\x9F\x98\x80")},
      {"ints", Value(Array{Value(std::int64_t{0}), Value(std::int64_t{255}), Value(std::int64_t{65536}),
                           Value(std::int64_t{-1}), Value(std::numeric_limits<std::int64_t>::min()),
                           Value(std::numeric_limits<std::int64_t>::max())})},
      {"real", Value(-3.5)},
      {"dates", Value(Array{Value(Date{636527167.0}), Value(Date{-1.5}), Value(Date{-0.25}), Value(Date{0.5})})},
      {"uid", Value(Uid{3})},
      {"data", Value(Bytes{0, 1, 2, 0xFF})},
      {"nested", Value(Dict{{"a", Value(Array{Value(true), Value(Dict{})})}})},
  });
  auto bin = serialize(original, Format::kBinary);
  ASSERT_TRUE(bin.has_value()) << bin.error().describe();
  ASSERT_GE(bin->size(), 8U);
  EXPECT_EQ(std::string(bin->begin(), bin->begin() + 8), "bplist00");
  EXPECT_EQ(parse_ok(*bin), original);

  auto xml = serialize(original, Format::kXml);
  ASSERT_TRUE(xml.has_value());
  const std::string xml_text(xml->begin(), xml->end());
  EXPECT_NE(xml_text.find("<key>zeta</key>"), std::string::npos);
  const Value from_xml = parse_ok(*xml);
  EXPECT_EQ(*from_xml.find("unicode"), *original.find("unicode"));
  EXPECT_EQ(*from_xml.find("ints"), *original.find("ints"));
  EXPECT_EQ(*from_xml.find("uid"), Value(Uid{3}));
  EXPECT_EQ(*from_xml.find("data"), *original.find("data"));
}

TEST(PlistTest, SerializeRejectsWhatLibplistCannotHold) {
  EXPECT_FALSE(serialize(Value(), Format::kBinary).has_value());
  EXPECT_FALSE(serialize(Value(Array{Value()}), Format::kXml).has_value());
  // distantFuture (4001-01-01) is beyond libplist 2.2.0's int32 seconds.
  EXPECT_FALSE(serialize(Value(Date{63113904000.0}), Format::kBinary).has_value());
}

TEST(PlistTest, BinaryScalarsDecodedExactly) {
  // Dates beyond int32 seconds (NSDate.distantFuture) and negative fractions are kept exactly.
  EXPECT_EQ(parse_ok(bplist({real_date(63113904000.0)})), Value(Date{63113904000.0}));
  EXPECT_EQ(parse_ok(bplist({real_date(-0.25)})), Value(Date{-0.25}));
  // 1/2/4-byte integers are unsigned, 8-byte ones signed.
  EXPECT_EQ(parse_ok(bplist({Bytes{0x10, 0xFF}})), Value(std::int64_t{255}));
  EXPECT_EQ(parse_ok(bplist({Bytes{0x12, 0xFF, 0xFF, 0xFF, 0xFF}})), Value(std::int64_t{4294967295}));
  EXPECT_EQ(parse_ok(bplist({cat(Bytes{0x13}, be(~std::uint64_t{0}, 8))})), Value(std::int64_t{-1}));
  // A 16-byte integer (values above INT64_MAX) keeps its low 64 bits' pattern.
  const Value big = parse_ok(bplist({cat(cat(Bytes{0x14}, be(0, 8)), be(0x8000000000000005ULL, 8))}));
  ASSERT_TRUE(big.is<std::int64_t>());
  EXPECT_EQ(static_cast<std::uint64_t>(*big.get_if<std::int64_t>()), 0x8000000000000005ULL);
  // 4-byte float, null, UID, UTF-16 with a surrogate pair, long string with an integer length.
  EXPECT_EQ(parse_ok(bplist({Bytes{0x22, 0x3F, 0xC0, 0x00, 0x00}})), Value(1.5));
  EXPECT_TRUE(parse_ok(bplist({Bytes{0x00}})).is_null());
  EXPECT_EQ(parse_ok(bplist({Bytes{0x81, 0x01, 0x02}})), Value(Uid{0x102}));
  EXPECT_EQ(parse_ok(bplist({Bytes{0x63, 0x00, 0xE9, 0xD8, 0x3D, 0xDE, 0x00}})), Value("\xC3\xA9\xF0\x9F\x98\x80"));
  EXPECT_EQ(parse_ok(bplist({Bytes{0x61, 0xD8, 0x3D}})), Value("\xEF\xBF\xBD"));  // lone surrogate → U+FFFD
  EXPECT_EQ(parse_ok(bplist({cat(Bytes{0x5F, 0x10, 0x10}, to_bytes("sixteen chars!!!"))})), Value("sixteen chars!!!"));
  // "ASCII" bytes that are not UTF-8 are read as Latin-1.
  EXPECT_EQ(parse_ok(bplist({Bytes{0x51, 0xE9}})), Value("\xC3\xA9"));
}

TEST(PlistTest, BinaryContainersWithSharedObjects) {
  // {"k": [obj2, obj2]} where the string "v" is stored once and referenced twice.
  const Value v = parse_ok(bplist(
      {Bytes{0xD1, 0x00, 0x01, 0x00, 0x02}, Bytes{0x51, 'k'}, Bytes{0xA2, 0x00, 0x03, 0x00, 0x03}, Bytes{0x51, 'v'}}));
  EXPECT_EQ(v, Value(Dict{{"k", Value(Array{Value("v"), Value("v")})}}));
}

void expect_error(const Bytes& data, ErrorCode code) {
  auto v = parse(data, "evil.plist");
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code, code) << v.error().describe();
  EXPECT_EQ(v.error().path, "evil.plist");
}

TEST(PlistTest, BinaryReferenceCyclesAreErrors) {
  expect_error(bplist({Bytes{0xA1, 0x00, 0x00}}), ErrorCode::kParse);                                // [self]
  expect_error(bplist({Bytes{0xA1, 0x00, 0x01}, Bytes{0xA1, 0x00, 0x00}}), ErrorCode::kParse);       // A→B→A
  expect_error(bplist({Bytes{0xD1, 0x00, 0x01, 0x00, 0x00}, Bytes{0x51, 'k'}}), ErrorCode::kParse);  // {k: self}
  // A container used as a dictionary key is refused rather than expanded.
  expect_error(bplist({Bytes{0xD1, 0x00, 0x00, 0x00, 0x01}, Bytes{0x51, 'v'}}), ErrorCode::kParse);
}

TEST(PlistTest, DeepBinaryNestingIsLimitNotStackOverflow) {
  constexpr std::uint64_t kLevels = 100000;  // libplist 2.2.0 itself crashes on this
  std::vector<Bytes> objects;
  for (std::uint64_t i = 0; i + 1 < kLevels; ++i) objects.push_back(cat(Bytes{0xA1}, be(i + 1, 3)));
  objects.push_back(Bytes{0x10, 0x05});
  expect_error(bplist(objects, 0, 4, 3), ErrorCode::kLimitExceeded);

  std::vector<Bytes> shallow;
  for (std::uint64_t i = 0; i + 1 < 100; ++i) shallow.push_back(cat(Bytes{0xA1}, be(i + 1, 2)));
  shallow.push_back(Bytes{0x10, 0x05});
  Value v = parse_ok(bplist(shallow));
  int depth = 0;
  for (const Value* p = &v; p->is<Array>(); p = &p->get_if<Array>()->front()) ++depth;
  EXPECT_EQ(depth, 99);
}

TEST(PlistTest, SharedObjectBlowUpIsLimited) {
  // 60 levels of [next, next]: 2^60 nodes once expanded; libplist 2.2.0 never finishes on it.
  std::vector<Bytes> objects;
  for (std::uint64_t i = 0; i < 60; ++i) objects.push_back(cat(cat(Bytes{0xA2}, be(i + 1, 2)), be(i + 1, 2)));
  objects.push_back(Bytes{0x10, 0x01});
  expect_error(bplist(objects), ErrorCode::kLimitExceeded);
}

TEST(PlistTest, ForgedTrailersAndOffsetsAreErrors) {
  Bytes good = bplist({Bytes{0x10, 0x01}});
  ASSERT_TRUE(parse(good).has_value());
  const std::size_t t = good.size() - 32;
  auto patched = [&](std::size_t at, const Bytes& bytes) {
    Bytes b = good;
    std::copy(bytes.begin(), bytes.end(), b.begin() + static_cast<std::ptrdiff_t>(at));
    return b;
  };
  expect_error(patched(t + 6, {0}), ErrorCode::kParse);                            // offset size 0
  expect_error(patched(t + 7, {9}), ErrorCode::kParse);                            // ref size 9
  expect_error(patched(t + 8, be(~std::uint64_t{0}, 8)), ErrorCode::kParse);       // object count
  expect_error(patched(t + 16, be(5, 8)), ErrorCode::kParse);                      // top object
  expect_error(patched(t + 24, be(~std::uint64_t{0} - 3, 8)), ErrorCode::kParse);  // table offset
  expect_error(patched(t - 2, {0xFF, 0xFF}), ErrorCode::kParse);                   // object offset past the table
  // Container claiming 2^60 entries; string claiming more bytes than the file has.
  expect_error(bplist({cat(Bytes{0xAF, 0x13}, be(1ULL << 60, 8))}), ErrorCode::kParse);
  expect_error(bplist({Bytes{0x5F, 0x12, 0x7F, 0xFF, 0xFF, 0xFF}}), ErrorCode::kParse);
  expect_error(bplist({Bytes{0xA1, 0x00, 0x09}}), ErrorCode::kParse);  // reference out of range
  expect_error(bplist({Bytes{0x0F}}), ErrorCode::kParse);              // fill byte is not a value
  expect_error(bplist({Bytes{0xE0}}), ErrorCode::kParse);              // unknown marker
  expect_error(to_bytes("bplist17 newer format"), ErrorCode::kUnsupported);
}

TEST(PlistTest, GarbageTruncationAndMutationNeverCrash) {
  expect_error(Bytes{}, ErrorCode::kParse);
  expect_error(Bytes(4096, 0), ErrorCode::kParse);
  expect_error(to_bytes("\x01\x02 definitely not a plist"), ErrorCode::kParse);
  expect_error(to_bytes("<plist><dict><key>a</key>"), ErrorCode::kParse);
  expect_error(to_bytes("bplist00"), ErrorCode::kParse);

  const Value sample(
      Dict{{"Lockdown", Value(Dict{{"ProductVersion", Value("17.1")}, {"n", Value(std::int64_t{1} << 40)}})},
           {"Applications", Value(Array{Value("com.example.app"), Value(Bytes(40, 0xAB)), Value(Date{1.0})})}});
  auto bin = serialize(sample, Format::kBinary);
  ASSERT_TRUE(bin.has_value());
  for (std::size_t n = 0; n < bin->size(); ++n) {
    const Bytes cut(bin->begin(), bin->begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_FALSE(parse(cut).has_value()) << "truncated to " << n;
  }
  std::mt19937 rng(1234);
  std::size_t parsed = 0;
  for (int round = 0; round < 5000; ++round) {
    Bytes mutated = *bin;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) mutated[rng() % mutated.size()] = static_cast<std::uint8_t>(rng());
    if (parse(mutated).has_value()) ++parsed;
  }
  EXPECT_LT(parsed, 5000U);  // mostly rejected, never a crash (run under ASan for the real check)
}

TEST(PlistTest, XmlWithByteOrderMarks) {
  const std::string body =
      "<?xml version=\"1.0\" encoding=\"UTF-16\"?><plist><dict><key>k</key><string>v\u00e9</string></dict></plist>";
  const Value expected(Dict{{"k", Value("v\xC3\xA9")}});
  EXPECT_EQ(parse_ok(to_bytes("\xEF\xBB\xBF" + body)), expected);
  // UTF-16 little- and big-endian, as some Windows tools save plists.
  for (bool big_endian : {false, true}) {
    Bytes utf16 = big_endian ? Bytes{0xFE, 0xFF} : Bytes{0xFF, 0xFE};
    for (char c : std::string("<?xml version=\"1.0\" encoding=\"UTF-16\"?><plist><dict><key>k</key><string>v")) {
      const auto unit = static_cast<std::uint16_t>(static_cast<unsigned char>(c));
      utf16.push_back(static_cast<std::uint8_t>(big_endian ? unit >> 8 : unit & 0xFF));
      utf16.push_back(static_cast<std::uint8_t>(big_endian ? unit & 0xFF : unit >> 8));
    }
    const Bytes tail_units = big_endian ? Bytes{0x00, 0xE9} : Bytes{0xE9, 0x00};  // U+00E9
    utf16.insert(utf16.end(), tail_units.begin(), tail_units.end());
    for (char c : std::string("</string></dict></plist>")) {
      utf16.push_back(big_endian ? 0 : static_cast<std::uint8_t>(c));
      utf16.push_back(big_endian ? static_cast<std::uint8_t>(c) : 0);
    }
    EXPECT_EQ(parse_ok(utf16), expected) << (big_endian ? "UTF-16BE" : "UTF-16LE");
  }
}

std::string nested_xml(std::size_t depth) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\">";
  for (std::size_t i = 0; i < depth; ++i) xml += "<array>";
  xml += "<string>leaf</string>";
  for (std::size_t i = 0; i < depth; ++i) xml += "</array>";
  return xml + "</plist>\n";
}

TEST(PlistTest, DeepXmlNestingIsLimit) {
  expect_error(to_bytes(nested_xml(10000)), ErrorCode::kLimitExceeded);
  expect_error(to_bytes(nested_xml(kMaxDepth + 1)), ErrorCode::kLimitExceeded);
  EXPECT_TRUE(parse(to_bytes(nested_xml(kMaxDepth))).has_value());
  // Mismatched close tags cannot be used to hide depth from the pre-scan.
  expect_error(to_bytes("<plist><array></dict><array></dict></array></array></plist>"), ErrorCode::kParse);
  // A quoted '>' or "/>" inside an attribute does not end the tag early.
  EXPECT_TRUE(parse(to_bytes("<plist version=\"/>\"><array><integer>1</integer></array></plist>")).has_value());
}

TEST(PlistTest, ParseFileNamesTheDisplayPath) {
  test::TempDir dir;
  auto missing = parse_file(dir / "nope.plist", "Library/Preferences/nope.plist");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().path, "Library/Preferences/nope.plist");

  test::write_file(dir / "bad.plist", "garbage");
  auto bad = parse_file(dir / "bad.plist", "Info.plist");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().path, "Info.plist");
  EXPECT_NE(bad.error().describe().find("Info.plist: "), std::string::npos);

  auto bin = serialize(Value(Dict{{"IsEncrypted", Value(false)}}), Format::kBinary);
  ASSERT_TRUE(bin.has_value());
  test::write_file(dir / "Manifest.plist", std::string(bin->begin(), bin->end()));
  auto good = parse_file(dir / "Manifest.plist");
  ASSERT_TRUE(good.has_value());
  EXPECT_EQ(*good->find("IsEncrypted"), Value(false));

  auto directory = parse_file(dir.path(), "backup");
  ASSERT_FALSE(directory.has_value());
  EXPECT_EQ(directory.error().code, ErrorCode::kIo);
}

}  // namespace
}  // namespace lumiere::plist
