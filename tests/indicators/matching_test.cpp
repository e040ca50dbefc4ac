// Matching semantics (spec §4.2-4.3) and every divergence from MVT listed in docs/product.md.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "indicators/indicator_set.hpp"
#include "indicators/stix_fixtures.hpp"
#include "indicators/stix_loader.hpp"
#include "support/test_support.hpp"

namespace lumiere::ioc {
namespace {

using test::stix_eq;

class Matching : public ::testing::Test {
 protected:
  static IndicatorSet build() {
    const std::vector<std::string> first = {
        stix_eq("domain-name:value", "evil.com"),
        stix_eq("domain-name:value", "sub.target.org"),
        stix_eq("domain-name:value", "x.firebaseio.com"),
        stix_eq("domain-name:value", "blogspot.com"),  // a public suffix itself (PSL private section)
        stix_eq("domain-name:value", "www.only-www.net"),
        stix_eq("domain-name:value", "web.wevil.com"),
        stix_eq("domain-name:value", "bücher.example"),
        stix_eq("domain-name:value", "UPPER.Example.COM."),
        stix_eq("domain-name:value", "198.51.100.7"),  // an IP written as a domain (novispy does this)
        stix_eq("ipv4-addr:value", "1.2.3.4"),
        stix_eq("ipv6-addr:value", "2001:DB8:0:0::1"),
        stix_eq("url:value", "https://exact.example/path?a=b"),
        stix_eq("process:name", "bh"),
        stix_eq("process:name", "com.apple.WebKit.Networking"),
        stix_eq("process:name", "abcdefghijklmnopqrstuvwxyz"),
        stix_eq("email-addr:value", "Bad@Evil.COM"),
        stix_eq("file:name", "libhooker.dylib"),
        stix_eq("file:path", "/private/var/tmp/hooker"),
        stix_eq("file:path", "/private/var/db/com.apple.xpc.roleaccountd.staging/"),
        stix_eq("configuration-profile:id", "A1B2C3D4-0000-1111-2222-333344445555"),
        stix_eq("file:hashes.md5", "D41D8CD98F00B204E9800998ECF8427E"),
        stix_eq("file:hashes.sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        "[file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']",
        stix_eq("app:cert.sha1", "AABBCCDDEEFF00112233445566778899AABBCCDD"),
        stix_eq("app:cert.sha256", "1111111111111111111111111111111111111111111111111111111111111111"),
        stix_eq("app:id", "com.evil.Spy"),
        stix_eq("android-property:name", "persist.sys.Evil"),
    };
    const std::vector<std::string> second = {
        stix_eq("domain-name:value", "evil.com"),       // same value, later collection: never reported
        stix_eq("domain-name:value", "deep.evil.com"),  // more specific but later: evil.com (first) wins
        stix_eq("process:name", "second-only"),
    };
    std::vector<ParsedFile> files;
    files.push_back(parse_stix2_text(test::stix_bundle("First", first, "a"), "/iocs/first.stix2"));
    files.push_back(parse_stix2_text(test::stix_bundle("Second", second, "b"), "/iocs/second.stix2"));
    return build_indicator_set(std::move(files));
  }
  // Built once for the suite and immutable afterwards, as in production.
  static const IndicatorSet& set() {
    static const IndicatorSet kInstance = build();
    return kInstance;
  }
  static bool url(std::string_view u) { return set().match_url(u).has_value(); }
};

TEST_F(Matching, LoadsBothFiles) {
  EXPECT_EQ(set().collections().size(), 2U);
  EXPECT_EQ(set().files(), (std::vector<std::string>{"/iocs/first.stix2", "/iocs/second.stix2"}));
  EXPECT_EQ(set().size(), 30U);
}

TEST_F(Matching, UrlExactStringFirst) {
  const auto m = set().match_url("https://exact.example/path?a=b");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->indicator->kind, Kind::kUrl);
  EXPECT_STREQ(mvt_type_name(m->indicator->kind), "urls");
  EXPECT_EQ(m->message,
            "Found a known suspicious URL https://exact.example/path?a=b matching indicator "
            "\"https://exact.example/path?a=b\" from \"First\"");
  EXPECT_FALSE(url("https://exact.example/path?a=c"));  // exact only; its host is not a domain IOC
}

TEST_F(Matching, DomainEqualityAndSubdomains) {
  const auto exact = set().match_url("https://evil.com/x");
  ASSERT_TRUE(exact);
  EXPECT_EQ(exact->message,
            "Found a known suspicious domain https://evil.com/x matching indicator \"evil.com\" from \"First\"");
  EXPECT_EQ(exact->indicator->collection, "First");
  EXPECT_EQ(exact->indicator->stix2_file_name, "first.stix2");
  EXPECT_STREQ(mvt_type_name(exact->indicator->kind), "domains");

  const auto sub = set().match_url("http://a.b.evil.com/");
  ASSERT_TRUE(sub);
  EXPECT_EQ(sub->indicator->value, "evil.com");  // first collection wins over Second's deep.evil.com
  EXPECT_EQ(sub->message,
            "Found a sub-domain with a suspicious top level http://a.b.evil.com/ matching indicator \"evil.com\" "
            "from \"First\"");

  // MVT: sub.target.org did not match x.sub.target.org; lumiere: subdomains match.
  EXPECT_TRUE(url("https://x.sub.target.org/"));
  // ...but an IOC is never widened to its parent.
  EXPECT_FALSE(url("https://target.org/"));
  EXPECT_FALSE(url("https://other-sub.target.org/"));
  // Label boundary, never substring.
  EXPECT_FALSE(url("https://notevil.com/"));
  EXPECT_FALSE(url("https://evil.com.attacker.net/"));
  EXPECT_FALSE(url("https://example.org/?q=evil.com"));
}

TEST_F(Matching, HostingPlatformIocsStayExact) {
  EXPECT_TRUE(url("https://x.firebaseio.com/data.json"));
  EXPECT_TRUE(url("https://a.x.firebaseio.com/"));
  EXPECT_FALSE(url("https://firebaseio.com/"));
  EXPECT_FALSE(url("https://y.firebaseio.com/"));
  // An IOC that is itself a public suffix matches only itself, not every blog.
  EXPECT_TRUE(url("https://blogspot.com/"));
  EXPECT_FALSE(url("https://someone.blogspot.com/"));
  EXPECT_FALSE(url("https://www.blogspot.com/"));
}

TEST_F(Matching, WwwStrippingIsExact) {
  const auto www = set().match_url("https://www.evil.com/");
  ASSERT_TRUE(www);
  EXPECT_EQ(www->message.rfind("Found a known suspicious domain", 0), 0U) << www->message;
  // MVT's lstrip("www.") turned web.wevil.com into eb.wevil.com; here it stays web.wevil.com.
  EXPECT_TRUE(url("https://web.wevil.com/"));
  EXPECT_FALSE(url("https://eb.wevil.com/"));
  EXPECT_FALSE(set().match_domain("wwwevil.com").has_value());
  // An IOC that starts with www. still matches that host.
  EXPECT_TRUE(url("http://www.only-www.net/"));
  EXPECT_FALSE(url("http://only-www.net/"));
}

TEST_F(Matching, HostNormalisation) {
  EXPECT_TRUE(url("HTTPS://EVIL.COM/PATH"));
  EXPECT_TRUE(url("https://evil.com./"));
  EXPECT_TRUE(url("https://evil.com:8443/x"));
  EXPECT_TRUE(url("https://user:pass@evil.com/x"));
  EXPECT_TRUE(url("https://evil.com@evil.com/"));
  EXPECT_TRUE(url("evil.com/no/scheme"));
  EXPECT_TRUE(url("//evil.com/protocol-relative"));
  EXPECT_TRUE(url("https://evil%2Ecom/"));
  EXPECT_FALSE(url("https://evil.com.example/"));
  EXPECT_FALSE(url("https://good.com/evil.com"));
  EXPECT_FALSE(url("https://evil.com@good.com/"));  // userinfo is not the host
  // The IOC was written in upper case with a trailing dot.
  EXPECT_TRUE(url("https://upper.example.com/"));
  // IDN: the IOC in Unicode, the URL in Unicode or punycode.
  EXPECT_TRUE(url("https://bücher.example/"));
  EXPECT_TRUE(url("https://xn--bcher-kva.example/"));
  EXPECT_TRUE(url("https://BÜCHER.example/"));
  EXPECT_TRUE(set().match_domain("shop.xn--bcher-kva.example").has_value());
  EXPECT_FALSE(url("https://bucher.example/"));
}

TEST_F(Matching, IpIndicatorsMatchTheHostExactly) {
  EXPECT_TRUE(url("http://1.2.3.4/"));
  EXPECT_TRUE(url("http://1.2.3.4:8080/x"));
  EXPECT_TRUE(url("1.2.3.4"));
  EXPECT_FALSE(url("http://11.2.3.45/"));  // MVT's substring fallback matched this
  EXPECT_FALSE(url("http://1.2.3.45/"));
  EXPECT_FALSE(url("http://5.1.2.3.4/"));
  EXPECT_FALSE(url("http://x.1.2.3.4.example/"));
  EXPECT_TRUE(url("http://0x01020304/"));  // other IPv4 spellings browsers accept
  EXPECT_TRUE(url("https://198.51.100.7:443/"));
  EXPECT_FALSE(url("https://198.51.100.70/"));
  const auto v6 = set().match_url("http://[2001:db8::1]:8080/x");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->indicator->value, "2001:db8::1");
  EXPECT_STREQ(mvt_type_name(v6->indicator->kind), "domains");
  EXPECT_TRUE(set().match_domain("2001:0db8:0000::0001").has_value());
  EXPECT_FALSE(url("http://[2001:db8::10]/"));
}

TEST_F(Matching, NothingMatchesGarbage) {
  for (const char* u : {"", "https://", "http://[::1", "://", "@", ":", "https://:80/", "\xff\xfe\xfd", "...",
                        "http://\xc3\x28.com/"}) {
    EXPECT_FALSE(url(u)) << u;
    EXPECT_FALSE(set().match_domain(u).has_value()) << u;
  }
}

TEST_F(Matching, Processes) {
  const auto m = set().match_process("bh");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->message, "Found a known suspicious process name \"bh\" matching indicators from \"First\"");
  EXPECT_TRUE(set().match_process("/usr/libexec/bh").has_value());
  EXPECT_FALSE(set().match_process("bhx").has_value());
  EXPECT_FALSE(set().match_process("BH").has_value());
  // Darwin truncates to 16 characters.
  const auto truncated = set().match_process("com.apple.WebKit");
  ASSERT_TRUE(truncated);
  EXPECT_EQ(truncated->message,
            "Found a truncated known suspicious process name \"com.apple.WebKit\" matching indicators from \"First\"");
  EXPECT_TRUE(set().match_process("abcdefghijklmnop").has_value());
  EXPECT_FALSE(set().match_process("abcdefghijklmno").has_value());  // 15: no truncation rule
  EXPECT_FALSE(set().match_process("com.apple.WebKi").has_value());
  const auto later = set().match_process("second-only");
  ASSERT_TRUE(later);
  EXPECT_EQ(later->indicator->collection, "Second");
}

TEST_F(Matching, EmailsAreCaseInsensitive) {
  const auto m = set().match_email("bad@evil.com");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->message, "Found a known suspicious email address \"bad@evil.com\" matching indicators from \"First\"");
  EXPECT_TRUE(set().match_email("BAD@EVIL.COM").has_value());
  EXPECT_FALSE(set().match_email("bad@evil.co").has_value());
}

TEST_F(Matching, FileNamesAndPathsByComponent) {
  const auto name = set().match_file_name("libhooker.dylib");
  ASSERT_TRUE(name);
  EXPECT_EQ(name->message, "Found a known suspicious file name \"libhooker.dylib\" matching indicators from \"First\"");
  EXPECT_FALSE(set().match_file_name("LIBHOOKER.dylib").has_value());
  EXPECT_TRUE(set().match_file_path("/usr/lib/libhooker.dylib").has_value());

  const auto path = set().match_file_path("/private/var/tmp/hooker");
  ASSERT_TRUE(path);
  EXPECT_EQ(path->message,
            "Found a known suspicious file path \"/private/var/tmp/hooker\" matching indicators form \"First\"");
  EXPECT_TRUE(set().match_file_path("/private/var/tmp/hooker/").has_value());
  EXPECT_TRUE(set().match_file_path("/private/var/tmp/hooker/x/y").has_value());
  EXPECT_FALSE(set().match_file_path("/private/var/tmp/hookers.plist").has_value());  // MVT matched this
  EXPECT_FALSE(set().match_file_path("/private/var/tmp").has_value());
  EXPECT_FALSE(set().match_file_path("/other/private/var/tmp/hooker").has_value());
  // The IOC's trailing '/' is ignored.
  EXPECT_TRUE(set().match_file_path("/private/var/db/com.apple.xpc.roleaccountd.staging").has_value());
  EXPECT_TRUE(set().match_file_path("/private/var/db/com.apple.xpc.roleaccountd.staging/x").has_value());
  EXPECT_FALSE(set().match_file_path("/private/var/db/com.apple.xpc.roleaccountd.stagingX").has_value());
}

TEST_F(Matching, FilePathProcess) {
  const auto m = set().match_file_path_process("/private/var/db/bh/crash.ips");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->message,
            "Found known suspicious process name mentioned in file at path \"/private/var/db/bh/crash.ips\" matching "
            "indicators from \"First\"");
  EXPECT_TRUE(set().match_file_path_process("bh").has_value());
  EXPECT_FALSE(set().match_file_path_process("/private/var/db/bhh/x").has_value());
  EXPECT_FALSE(set().match_file_path_process("/a/b-bh/c").has_value());
}

TEST_F(Matching, ProfilesExactCaseInsensitive) {
  const auto m = set().match_profile("a1b2c3d4-0000-1111-2222-333344445555");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->message,
            "Found a known suspicious profile ID \"a1b2c3d4-0000-1111-2222-333344445555\" matching indicators from "
            "\"First\"");
  EXPECT_FALSE(set().match_profile("A1B2C3D4").has_value());  // MVT's reversed substring matched this
  EXPECT_FALSE(set().match_profile("1").has_value());
}

TEST_F(Matching, FileHashesByLength) {
  const auto md5 = set().match_file_hash("d41d8cd98f00b204e9800998ecf8427e");
  ASSERT_TRUE(md5);
  EXPECT_EQ(md5->indicator->kind, Kind::kFileMd5);
  EXPECT_EQ(md5->message,
            "Found a known suspicious file with hash \"d41d8cd98f00b204e9800998ecf8427e\" matching indicators from "
            "\"First\"");
  EXPECT_TRUE(set().match_file_hash("DA39A3EE5E6B4B0D3255BFEF95601890AFD80709").has_value());
  EXPECT_TRUE(set().match_file_hash("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855").has_value());
  EXPECT_FALSE(set().match_file_hash("d41d8cd98f00b204e9800998ecf8427").has_value());
  EXPECT_FALSE(set().match_file_hash("1111111111111111111111111111111111111111111111111111111111111111").has_value());
}

TEST_F(Matching, AppCertificatesArePooled) {
  const auto sha1 = set().match_app_cert_hash("aabbccddeeff00112233445566778899aabbccdd");
  ASSERT_TRUE(sha1);
  EXPECT_EQ(sha1->message,
            "Found a known suspicious app certfificate with hash \"aabbccddeeff00112233445566778899aabbccdd\" "
            "matching indicators from \"First\"");
  EXPECT_STREQ(mvt_type_name(sha1->indicator->kind), "app_cert_hashes");
  EXPECT_TRUE(
      set().match_app_cert_hash("1111111111111111111111111111111111111111111111111111111111111111").has_value());
  EXPECT_FALSE(set().match_app_cert_hash("d41d8cd98f00b204e9800998ecf8427e").has_value());
}

TEST_F(Matching, AppIdsAndAndroidProperties) {
  const auto app = set().match_app_id("COM.EVIL.SPY");
  ASSERT_TRUE(app);
  EXPECT_EQ(app->message, "Found a known suspicious app with ID \"COM.EVIL.SPY\" matching indicators from \"First\"");
  EXPECT_FALSE(set().match_app_id("com.evil.spy2").has_value());
  const auto property = set().match_android_property("persist.sys.evil");
  ASSERT_TRUE(property);
  EXPECT_EQ(property->message,
            "Found a known suspicious Android property \"persist.sys.evil\" matching indicators from \"First\"");
  EXPECT_STREQ(mvt_type_name(property->indicator->kind), "android_property_names");
}

TEST_F(Matching, ConcurrentQueriesAgree) {
  std::vector<std::jthread> threads;
  threads.reserve(4);
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&failures] {
      for (int i = 0; i < 2000; ++i) {
        if (!set().match_url("https://a.evil.com/x") || set().match_url("https://good.example/")) ++failures;
      }
    });
  }
  threads.clear();
  EXPECT_EQ(failures.load(), 0);
}

TEST(MatchingEmpty, EmptySetMatchesNothing) {
  const IndicatorSet empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_FALSE(empty.match_url("https://evil.com/").has_value());
  EXPECT_FALSE(empty.match_process("bh").has_value());
  EXPECT_TRUE(empty.files().empty());
}

}  // namespace
}  // namespace lumiere::ioc
