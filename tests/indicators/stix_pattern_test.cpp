// The STIX pattern parser: the shapes found in real feeds and the ones MVT cannot read.
#include "indicators/stix_pattern.hpp"

#include <gtest/gtest.h>

namespace lumiere::ioc::stix {
namespace {

Pattern parse_ok(std::string_view text) {
  auto parsed = parse_pattern(text);
  EXPECT_TRUE(parsed.has_value()) << text << ": " << (parsed ? "" : parsed.error().message);
  return parsed ? *parsed : Pattern{};
}

TEST(StixPattern, SimpleComparisonWithoutSpaces) {
  const Pattern p = parse_ok("[domain-name:value='evil.com']");
  ASSERT_EQ(p.alternatives.size(), 1U);
  ASSERT_EQ(p.alternatives[0].size(), 1U);
  const Comparison& c = p.alternatives[0][0];
  EXPECT_EQ(c.object_type, "domain-name");
  EXPECT_EQ(c.property, "value");
  EXPECT_EQ(c.op, Op::kEqual);
  EXPECT_TRUE(c.string_value);
  EXPECT_EQ(c.value, "evil.com");
  EXPECT_EQ(normalised_key(c), "domain-name:value");
}

TEST(StixPattern, SpacesEverywhere) {
  const Pattern p = parse_ok("  [  domain-name:value   =   'evil.com'  ]  ");
  ASSERT_EQ(p.alternatives.size(), 1U);
  EXPECT_EQ(p.alternatives[0][0].value, "evil.com");
}

TEST(StixPattern, ValuesContainingEqualsBracketsAndEscapes) {
  EXPECT_EQ(parse_ok("[url:value = 'https://x.com/a?b=c&d=e']").alternatives[0][0].value, "https://x.com/a?b=c&d=e");
  EXPECT_EQ(parse_ok("[file:path='/tmp/[x]/y']").alternatives[0][0].value, "/tmp/[x]/y");
  EXPECT_EQ(parse_ok(R"([file:name='it\'s'])").alternatives[0][0].value, "it's");
  EXPECT_EQ(parse_ok(R"([windows-registry-key:key = 'HKCU\\Software\\X'])").alternatives[0][0].value,
            R"(HKCU\Software\X)");
  // MISP writes "\\%20" which is "\%20" after STIX unescaping; an invalid escape is kept as written.
  EXPECT_EQ(parse_ok(R"([url:value = 'https://h.com/a\\%20b'])").alternatives[0][0].value, R"(https://h.com/a\%20b)");
  EXPECT_EQ(parse_ok(R"([url:value = 'https://h.com/a\%20b'])").alternatives[0][0].value, R"(https://h.com/a\%20b)");
}

TEST(StixPattern, HashKeysAreNormalised) {
  for (const char* text : {"[file:hashes.'SHA-256' = 'ab']", "[file:hashes.SHA256 = 'ab']", "[file:hashes.sha256='ab']",
                           "[file:hashes.'sha-256'='ab']"}) {
    const Pattern p = parse_ok(text);
    ASSERT_EQ(p.alternatives.size(), 1U) << text;
    EXPECT_EQ(normalised_key(p.alternatives[0][0]), "file:hashes.sha256") << text;
  }
  EXPECT_EQ(normalised_key(parse_ok("[app:cert.SHA1='x']").alternatives[0][0]), "app:cert.sha1");
  EXPECT_EQ(normalised_key(parse_ok("[file:hashes.MD5='x']").alternatives[0][0]), "file:hashes.md5");
}

TEST(StixPattern, OrGivesOneAlternativePerComparison) {
  const Pattern inside =
      parse_ok("[domain-name:value = 'a.com' OR domain-name:value = 'b.com' OR url:value='http://c/']");
  ASSERT_EQ(inside.alternatives.size(), 3U);
  EXPECT_EQ(inside.alternatives[1][0].value, "b.com");
  EXPECT_EQ(inside.alternatives[2][0].object_type, "url");
  const Pattern between = parse_ok("[domain-name:value = 'a.com'] OR [process:name = 'bh']");
  ASSERT_EQ(between.alternatives.size(), 2U);
  EXPECT_EQ(between.alternatives[1][0].value, "bh");
}

TEST(StixPattern, AndGivesCompoundAlternatives) {
  const Pattern p =
      parse_ok("[network-traffic:src_ref.type = 'ipv4-addr' AND network-traffic:src_ref.value = '162.33.177.195']");
  ASSERT_EQ(p.alternatives.size(), 1U);
  EXPECT_EQ(p.alternatives[0].size(), 2U);
  // (a OR b) AND c = (a AND c) OR (b AND c)
  const Pattern dnf = parse_ok("[(file:name = 'a' OR file:name = 'b') AND file:size > 10]");
  ASSERT_EQ(dnf.alternatives.size(), 2U);
  EXPECT_EQ(dnf.alternatives[0].size(), 2U);
  EXPECT_EQ(dnf.alternatives[1][1].op, Op::kGreater);
}

TEST(StixPattern, OperatorsLiteralsAndQualifiers) {
  const Pattern p = parse_ok(
      "[file:size >= 10 AND file:name NOT LIKE 'x%' AND file:created = t'2020-01-01T00:00:00Z' AND "
      "file:name IN ('a', 'b') AND file:x_bool = true] WITHIN 300 SECONDS REPEATS 2 TIMES");
  ASSERT_EQ(p.alternatives.size(), 1U);
  ASSERT_EQ(p.alternatives[0].size(), 5U);
  EXPECT_TRUE(p.has_qualifiers);
  EXPECT_EQ(p.alternatives[0][0].op, Op::kGreaterEqual);
  EXPECT_FALSE(p.alternatives[0][0].string_value);
  EXPECT_TRUE(p.alternatives[0][1].negated);
  EXPECT_EQ(p.alternatives[0][1].op, Op::kLike);
  EXPECT_EQ(p.alternatives[0][3].op, Op::kIn);
  EXPECT_EQ(parse_ok("[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = 'x']")
                .alternatives[0][0]
                .property,
            "extensions.http-request-ext.request_header.User-Agent");
  EXPECT_EQ(parse_ok("[email-message:to_refs[*].value = 'a@b.c']").alternatives[0][0].property, "to_refs[*].value");
}

TEST(StixPattern, MalformedPatternsAreErrorsWithOffsets) {
  for (const char* text :
       {"", "domain-name:value='x'", "[domain-name:value='x'", "[domain-name:value='x]", "[domain-name value='x']",
        "[domain-name:value 'x']", "[domain-name:value='x'] junk", "[:value='x']", "[a:b='x' OR]", "['x'='y']"}) {
    auto parsed = parse_pattern(text);
    ASSERT_FALSE(parsed.has_value()) << text;
    EXPECT_NE(parsed.error().message.find("offset"), std::string::npos) << parsed.error().message;
  }
  auto unterminated = parse_pattern("[domain-name:value='x]");
  ASSERT_FALSE(unterminated.has_value());
  EXPECT_NE(unterminated.error().message.find("offset 19"), std::string::npos) << unterminated.error().message;
}

TEST(StixPattern, HostileNestingAndExpansionAreBounded) {
  std::string deep(10000, '(');
  deep = "[" + deep + "a:b='c'" + std::string(10000, ')') + "]";
  EXPECT_FALSE(parse_pattern(deep).has_value());
  // 2^20 alternatives if expanded naively: refused, not computed.
  std::string explosive = "[";
  for (int i = 0; i < 20; ++i) explosive += std::string(i ? " AND " : "") + "(a:b='1' OR a:b='2')";
  explosive += "]";
  auto parsed = parse_pattern(explosive);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.error().message.find("too complex"), std::string::npos);
}

}  // namespace
}  // namespace lumiere::ioc::stix
