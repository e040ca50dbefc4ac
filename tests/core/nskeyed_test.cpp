// NSKeyedArchiver graphs: the Manifest.db `file` blob (MBFile, shaped as iOS 10+ backups write it: binary
// plist, $objects[1] = MBFile, EncryptionKey → NSMutableData of 4-byte LE class + 40-byte wrapped key),
// Foundation collections, and hostile graphs (self references, A→B→A, dangling UIDs, shared-object blow-up).
#include "core/nskeyed.hpp"

#include <gtest/gtest.h>

#include "core/test_bytes.hpp"

namespace lumiere::plist {
namespace {

using test_bytes::to_bytes;

Value cls(const std::string& name, std::vector<std::string> chain) {
  Array classes;
  for (auto& c : chain) classes.emplace_back(Value(std::move(c)));
  return Value(Dict{{"$classname", Value(name)}, {"$classes", Value(std::move(classes))}});
}

Value archive(Array objects, Value root = Value(Uid{1})) {
  return Value(Dict{{"$version", Value(std::int64_t{100000})},
                    {"$archiver", Value("NSKeyedArchiver")},
                    {"$top", Value(Dict{{"root", std::move(root)}})},
                    {"$objects", Value(std::move(objects))}});
}

Bytes binary(const Value& v) {
  auto bin = serialize(v, Format::kBinary);
  EXPECT_TRUE(bin.has_value());
  return bin ? *bin : Bytes();
}

// A Manifest.db `file` blob as written for Library/SMS/sms.db, in XML for review; the test converts it to
// binary as it is stored in the database.
constexpr std::string_view kSmsDbMbFileXml = R"(<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0">
<dict>
	<key>$version</key><integer>100000</integer>
	<key>$archiver</key><string>NSKeyedArchiver</string>
	<key>$top</key><dict><key>root</key><dict><key>CF$UID</key><integer>1</integer></dict></dict>
	<key>$objects</key>
	<array>
		<string>$null</string>
		<dict>
			<key>LastModified</key><integer>1614834400</integer>
			<key>Flags</key><integer>0</integer>
			<key>GroupID</key><integer>501</integer>
			<key>LastStatusChange</key><integer>1614834401</integer>
			<key>Birth</key><integer>1614834367</integer>
			<key>$class</key><dict><key>CF$UID</key><integer>5</integer></dict>
			<key>RelativePath</key><dict><key>CF$UID</key><integer>2</integer></dict>
			<key>InodeNumber</key><integer>123456</integer>
			<key>EncryptionKey</key><dict><key>CF$UID</key><integer>3</integer></dict>
			<key>Mode</key><integer>33188</integer>
			<key>UserID</key><integer>501</integer>
			<key>Size</key><integer>425984</integer>
			<key>ProtectionClass</key><integer>3</integer>
		</dict>
		<string>Library/SMS/sms.db</string>
		<dict>
			<key>NS.data</key><data>AwAAAAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4fICEiIyQlJic=</data>
			<key>$class</key><dict><key>CF$UID</key><integer>4</integer></dict>
		</dict>
		<dict>
			<key>$classname</key><string>NSMutableData</string>
			<key>$classes</key><array><string>NSMutableData</string><string>NSData</string><string>NSObject</string></array>
		</dict>
		<dict>
			<key>$classname</key><string>MBFile</string>
			<key>$classes</key><array><string>MBFile</string><string>NSObject</string></array>
		</dict>
	</array>
</dict>
</plist>
)";

TEST(NsKeyedTest, DecodesMbFileOfAnEncryptedBackup) {
  auto xml = parse(to_bytes(kSmsDbMbFileXml), "fixture");
  ASSERT_TRUE(xml.has_value()) << xml.error().describe();
  const Bytes blob = binary(*xml);
  ASSERT_EQ(std::string(blob.begin(), blob.begin() + 8), "bplist00");

  auto mb = decode_mbfile(blob, "Manifest.db");
  ASSERT_TRUE(mb.has_value()) << mb.error().describe();
  EXPECT_EQ(mb->find("$class"), nullptr);
  EXPECT_EQ(*mb->find("Birth"), Value(std::int64_t{1614834367}));
  EXPECT_EQ(*mb->find("LastModified"), Value(std::int64_t{1614834400}));
  EXPECT_EQ(*mb->find("LastStatusChange"), Value(std::int64_t{1614834401}));
  EXPECT_EQ(*mb->find("Mode"), Value(std::int64_t{33188}));
  EXPECT_EQ(*mb->find("UserID"), Value(std::int64_t{501}));
  EXPECT_EQ(*mb->find("GroupID"), Value(std::int64_t{501}));
  EXPECT_EQ(*mb->find("Size"), Value(std::int64_t{425984}));
  EXPECT_EQ(*mb->find("InodeNumber"), Value(std::int64_t{123456}));
  EXPECT_EQ(*mb->find("ProtectionClass"), Value(std::int64_t{3}));
  EXPECT_EQ(*mb->find("Flags"), Value(std::int64_t{0}));
  ASSERT_NE(mb->find_string("RelativePath"), nullptr);
  EXPECT_EQ(*mb->find_string("RelativePath"), "Library/SMS/sms.db");

  const auto* key = mb->find("EncryptionKey")->get_if<Bytes>();
  ASSERT_NE(key, nullptr);
  ASSERT_EQ(key->size(), 44U);
  const std::uint32_t protection_class = (*key)[0] | ((*key)[1] << 8U) | ((*key)[2] << 16U) | ((*key)[3] << 24U);
  EXPECT_EQ(protection_class, 3U);
  EXPECT_EQ((*key)[4], 0x00);
  EXPECT_EQ((*key)[43], 0x27);
  EXPECT_EQ(mb->get_if<Dict>()->size(), 12U);  // every field but $class
}

TEST(NsKeyedTest, DecodesMbFileOfASymlinkWithAttributes) {
  const Value mbfile(Dict{
      {"$class", Value(Uid{9})},
      {"Birth", Value(std::int64_t{1600000000})},
      {"Mode", Value(std::int64_t{41453})},  // 0120755: a symlink
      {"RelativePath", Value(Uid{2})},
      {"Target", Value(Uid{3})},
      {"Digest", Value(Bytes{0x1F, 0x8B})},
      {"ExtendedAttributes", Value(Uid{4})},
  });
  const Bytes blob = binary(archive({Value("$null"), mbfile, Value("Media/DCIM"), Value("/var/mobile/Media/DCIM"),
                                     Value(Dict{{"NS.keys", Value(Array{Value(Uid{5})})},
                                                {"NS.objects", Value(Array{Value(Uid{6})})},
                                                {"$class", Value(Uid{8})}}),
                                     Value("com.apple.assetsd.UUID"),
                                     Value(Dict{{"NS.data", Value(Bytes{1, 2, 3})}, {"$class", Value(Uid{7})}}),
                                     cls("NSData", {"NSData", "NSObject"}),
                                     cls("NSMutableDictionary", {"NSMutableDictionary", "NSDictionary", "NSObject"}),
                                     cls("MBFile", {"MBFile", "NSObject"})}));
  auto mb = decode_mbfile(blob);
  ASSERT_TRUE(mb.has_value()) << mb.error().describe();
  EXPECT_EQ(*mb->find_string("RelativePath"), "Media/DCIM");
  EXPECT_EQ(*mb->find_string("Target"), "/var/mobile/Media/DCIM");
  EXPECT_EQ(*mb->find("Digest"), Value(Bytes{0x1F, 0x8B}));
  EXPECT_EQ(*mb->find("ExtendedAttributes"), Value(Dict{{"com.apple.assetsd.UUID", Value(Bytes{1, 2, 3})}}));
  EXPECT_EQ(mb->find("EncryptionKey"), nullptr);
}

TEST(NsKeyedTest, MbFileErrorsNameThePath) {
  auto garbage = decode_mbfile(to_bytes("not a plist"), "Manifest.db:file[abc]");
  ASSERT_FALSE(garbage.has_value());
  EXPECT_EQ(garbage.error().path, "Manifest.db:file[abc]");

  auto not_archive = decode_mbfile(binary(Value(Dict{{"Birth", Value(std::int64_t{1})}})), "x");
  ASSERT_FALSE(not_archive.has_value());
  EXPECT_EQ(not_archive.error().code, ErrorCode::kParse);

  auto no_object = decode_mbfile(binary(archive({Value("$null"), Value("just a string")})), "x");
  ASSERT_FALSE(no_object.has_value());
  EXPECT_EQ(no_object.error().path, "x");

  auto out_of_range = decode_mbfile(binary(archive({Value("$null")}, Value(Uid{40}))), "x");
  EXPECT_FALSE(out_of_range.has_value());
}

TEST(NsKeyedTest, DecodesFoundationCollections) {
  const Array objects{
      Value("$null"),
      // 1: NSDictionary root
      Value(
          Dict{{"NS.keys", Value(Array{Value(Uid{2}), Value(Uid{3}), Value(Uid{4}), Value(Uid{5}), Value(Uid{15})})},
               {"NS.objects", Value(Array{Value(Uid{6}), Value(Uid{7}), Value(Uid{9}), Value(Uid{11}), Value(Uid{0})})},
               {"$class", Value(Uid{13})}}),
      Value("name"),
      Value("list"),
      Value("when"),
      Value("owner"),
      // 6: NSMutableString
      Value(Dict{{"NS.string", Value("Pegasus")}, {"$class", Value(Uid{14})}}),
      // 7: NSMutableArray of [string, $null, NSSet]
      Value(
          Dict{{"NS.objects", Value(Array{Value(Uid{2}), Value(Uid{0}), Value(Uid{8})})}, {"$class", Value(Uid{16})}}),
      // 8: NSSet of [42]
      Value(Dict{{"NS.objects", Value(Array{Value(Uid{17})})}, {"$class", Value(Uid{18})}}),
      // 9: NSDate
      Value(Dict{{"NS.time", Value(636527167.5)}, {"$class", Value(Uid{10})}}),
      cls("NSDate", {"NSDate", "NSObject"}),
      // 11: a custom class
      Value(Dict{{"$class", Value(Uid{12})}, {"handle", Value(Uid{2})}, {"age", Value(std::int64_t{30})}}),
      cls("Person", {"Person", "NSObject"}),
      cls("NSDictionary", {"NSDictionary", "NSObject"}),
      cls("NSMutableString", {"NSMutableString", "NSString", "NSObject"}),
      Value(std::int64_t{7}),  // 15: a number used as a key
      cls("NSMutableArray", {"NSMutableArray", "NSArray", "NSObject"}),
      Value(std::int64_t{42}),
      cls("NSSet", {"NSSet", "NSObject"}),
  };
  // Goes through binary and back, as real archives do.
  auto parsed = parse(binary(archive(objects)));
  ASSERT_TRUE(parsed.has_value());
  KeyedArchiveIssues issues;
  auto v = decode_keyed_archive(*parsed, "archive", issues);
  ASSERT_TRUE(v.has_value()) << v.error().describe();
  const Value expected(Dict{
      {"name", Value("Pegasus")},
      {"list", Value(Array{Value("name"), Value(), Value(Array{Value(std::int64_t{42})})})},
      {"when", Value(Date{636527167.5})},
      {"owner", Value(Dict{{"$class", Value("Person")}, {"handle", Value("name")}, {"age", Value(std::int64_t{30})}})},
      {"7", Value()},
  });
  EXPECT_EQ(*v, expected);
  EXPECT_EQ(issues.total(), 0U);
}

TEST(NsKeyedTest, UsesFirstTopEntryWithoutRoot) {
  Value a(Dict{{"$top", Value(Dict{{"archive", Value(Uid{1})}})},
               {"$objects", Value(Array{Value("$null"), Value("hello")})}});
  auto v = decode_keyed_archive(a);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(*v, Value("hello"));
}

TEST(NsKeyedTest, NotAnArchiveIsAnError) {
  EXPECT_FALSE(decode_keyed_archive(Value(Dict{}), "p").has_value());
  EXPECT_FALSE(decode_keyed_archive(Value("text"), "p").has_value());
  auto empty_top = decode_keyed_archive(Value(Dict{{"$top", Value(Dict{})}, {"$objects", Value(Array{})}}), "p");
  ASSERT_FALSE(empty_top.has_value());
  EXPECT_EQ(empty_top.error().path, "p");
}

TEST(NsKeyedTest, SelfReferenceBecomesNull) {
  const Value a = archive({Value("$null"), Value(Dict{{"$class", Value(Uid{2})}, {"me", Value(Uid{1})}}),
                           cls("Node", {"Node", "NSObject"})});
  KeyedArchiveIssues issues;
  auto v = decode_keyed_archive(a, {}, issues);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(*v, Value(Dict{{"$class", Value("Node")}, {"me", Value()}}));
  EXPECT_EQ(issues.cycles, 1U);
}

TEST(NsKeyedTest, TwoObjectCycleBecomesNullWhereItRecurs) {
  const Value a =
      archive({Value("$null"), Value(Dict{{"$class", Value(Uid{3})}, {"next", Value(Uid{2})}}),
               Value(Dict{{"$class", Value(Uid{3})}, {"next", Value(Uid{1})}}), cls("Node", {"Node", "NSObject"})});
  KeyedArchiveIssues issues;
  auto v = decode_keyed_archive(a, {}, issues);
  ASSERT_TRUE(v.has_value());
  const Value inner(Dict{{"$class", Value("Node")}, {"next", Value()}});
  EXPECT_EQ(*v, Value(Dict{{"$class", Value("Node")}, {"next", inner}}));
  EXPECT_EQ(issues.cycles, 1U);

  // An NSArray containing itself.
  const Value b =
      archive({Value("$null"),
               Value(Dict{{"NS.objects", Value(Array{Value(Uid{1}), Value(Uid{1})})}, {"$class", Value(Uid{2})}}),
               cls("NSArray", {"NSArray", "NSObject"})});
  auto w = decode_keyed_archive(b);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(*w, Value(Array{Value(), Value()}));
}

TEST(NsKeyedTest, SharedButAcyclicObjectsAreNotCycles) {
  // The same string twice in one array is sharing, not a cycle.
  const Value a =
      archive({Value("$null"),
               Value(Dict{{"NS.objects", Value(Array{Value(Uid{2}), Value(Uid{2})})}, {"$class", Value(Uid{3})}}),
               Value("dup"), cls("NSArray", {"NSArray", "NSObject"})});
  KeyedArchiveIssues issues;
  auto v = decode_keyed_archive(a, {}, issues);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(*v, Value(Array{Value("dup"), Value("dup")}));
  EXPECT_EQ(issues.total(), 0U);
}

TEST(NsKeyedTest, DanglingUidBecomesNull) {
  const Value a =
      archive({Value("$null"),
               Value(Dict{{"NS.objects", Value(Array{Value(Uid{99}), Value(Uid{2})})}, {"$class", Value(Uid{3})}}),
               Value("ok"), cls("NSArray", {"NSArray", "NSObject"})});
  KeyedArchiveIssues issues;
  auto v = decode_keyed_archive(a, {}, issues);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(*v, Value(Array{Value(), Value("ok")}));
  EXPECT_EQ(issues.dangling_references, 1U);

  // A broken class reference leaves the fields readable.
  const Value b = archive({Value("$null"), Value(Dict{{"$class", Value(Uid{77})}, {"x", Value(std::int64_t{1})}})});
  auto w = decode_keyed_archive(b);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(*w->find("x"), Value(std::int64_t{1}));
}

TEST(NsKeyedTest, DeepChainsAreCut) {
  Array objects{Value("$null")};
  constexpr std::uint64_t kLevels = 2000;
  for (std::uint64_t i = 1; i <= kLevels; ++i) {
    objects.emplace_back(Dict{{"NS.objects", Value(Array{Value(Uid{i + 1})})}, {"$class", Value(Uid{kLevels + 2})}});
  }
  objects.emplace_back("leaf");
  objects.push_back(cls("NSArray", {"NSArray", "NSObject"}));
  KeyedArchiveIssues issues;
  auto v = decode_keyed_archive(archive(std::move(objects)), {}, issues);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(issues.depth_cuts, 1U);
}

TEST(NsKeyedTest, SharedObjectBlowUpIsLimited) {
  Array objects{Value("$null")};
  for (std::uint64_t i = 1; i <= 60; ++i) {
    objects.emplace_back(
        Dict{{"NS.objects", Value(Array{Value(Uid{i + 1}), Value(Uid{i + 1})})}, {"$class", Value(Uid{62})}});
  }
  objects.emplace_back("leaf");
  objects.push_back(cls("NSArray", {"NSArray", "NSObject"}));
  auto v = decode_keyed_archive(archive(std::move(objects)), "blowup");
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code, ErrorCode::kLimitExceeded);
  EXPECT_EQ(v.error().path, "blowup");
}

}  // namespace
}  // namespace lumiere::plist
