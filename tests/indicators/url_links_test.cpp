// Host extraction, public-suffix helpers and link extraction.
#include <gtest/gtest.h>

#include "indicators/links.hpp"
#include "indicators/url.hpp"

namespace lumiere::ioc {
namespace {

std::string host_of(std::string_view url) {
  const auto host = extract_host(url);
  return host ? host->name : std::string("<none>");
}

TEST(Url, ExtractHost) {
  EXPECT_EQ(host_of("https://Evil.COM./a"), "evil.com");
  EXPECT_EQ(host_of("https://u:p@host.example:8080/?x#y"), "host.example");
  EXPECT_EQ(host_of("host.example/path"), "host.example");
  EXPECT_EQ(host_of("//host.example"), "host.example");
  EXPECT_EQ(host_of("  https://host.example  "), "host.example");
  EXPECT_EQ(host_of("https://host.example\\evil.com"), "host.example");
  EXPECT_EQ(host_of("ftp://files.example/x"), "files.example");
  EXPECT_EQ(host_of("https://[2001:DB8::0:1]:443/"), "2001:db8::1");
  EXPECT_EQ(host_of("2001:db8::1"), "2001:db8::1");
  EXPECT_EQ(host_of("http://127.1/"), "127.0.0.1");
  EXPECT_EQ(host_of("http://0.0.0.0/"), "0.0.0.0");
  EXPECT_EQ(host_of("http://255.255.255.255:1/"), "255.255.255.255");
  EXPECT_EQ(host_of("http://10.0.100.5/"), "10.0.100.5");
  EXPECT_EQ(host_of("http://3232235521/"), "192.168.0.1");
  EXPECT_EQ(host_of("http://1.2.3.4.5/"), "1.2.3.4.5");  // not an address: stays a (never matching) name
  EXPECT_EQ(host_of("http://www.évil.fr/"), "www.xn--vil-9la.fr");
  EXPECT_EQ(host_of("http://例え。テスト/"), "xn--r8jz45g.xn--zckzah");  // ideographic full stop
  EXPECT_EQ(host_of(""), "<none>");
  EXPECT_EQ(host_of("https://"), "<none>");
  EXPECT_EQ(host_of("http://[::1"), "<none>");
  const auto v4 = extract_host("http://10.0.0.1:80");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->type, HostType::kIpv4);
}

TEST(Url, FixProtocolAndStripWww) {
  EXPECT_EQ(fix_protocol("evil.com"), "https://evil.com");
  EXPECT_EQ(fix_protocol("http://evil.com"), "http://evil.com");
  EXPECT_EQ(fix_protocol("//evil.com"), "//evil.com");
  EXPECT_EQ(strip_www("www.evil.com"), "evil.com");
  EXPECT_EQ(strip_www("web.evil.com"), "web.evil.com");
  EXPECT_EQ(strip_www("wwwx.com"), "wwwx.com");
  EXPECT_EQ(strip_www("www.www.x.com"), "www.x.com");
}

TEST(Url, PublicSuffixHelpers) {
  EXPECT_EQ(registrable_domain("a.b.example.co.uk").value_or(""), "example.co.uk");
  EXPECT_EQ(registrable_domain("x.firebaseapp.com").value_or(""), "x.firebaseapp.com");  // PSL private section
  EXPECT_FALSE(registrable_domain("co.uk").has_value());
  EXPECT_TRUE(is_public_suffix("com"));
  EXPECT_TRUE(is_public_suffix("firebaseapp.com"));
  EXPECT_FALSE(is_public_suffix("evil.com"));
  EXPECT_TRUE(looks_like_domain("evil.com"));
  EXPECT_TRUE(looks_like_domain("Sub.Evil.CO.UK"));
  EXPECT_TRUE(looks_like_domain("bücher.de"));
  EXPECT_FALSE(looks_like_domain("Manifest.db"));
  EXPECT_FALSE(looks_like_domain("localhost"));
  EXPECT_FALSE(looks_like_domain("1.2.3.4"));
  EXPECT_FALSE(looks_like_domain("com"));
  EXPECT_FALSE(looks_like_domain("co.uk"));
  EXPECT_FALSE(looks_like_domain("evil.com/path"));
  EXPECT_FALSE(looks_like_domain("a..com"));
  EXPECT_FALSE(looks_like_domain("exa mple.com"));
  EXPECT_TRUE(has_known_public_suffix("x.evil.com"));
  EXPECT_FALSE(has_known_public_suffix("Manifest.db"));
}

TEST(Links, ExtractsMvtStyle) {
  EXPECT_EQ(extract_links("Visit https://evil.com/x?a=1, now! and HTTP://Other.org."),
            (std::vector<std::string>{"https://evil.com/x?a=1,", "HTTP://Other.org."}));
  EXPECT_EQ(extract_links("hxxp://defanged.com http:// https://a"), (std::vector<std::string>{"https://a"}));
  EXPECT_EQ(extract_links("x=https://a.com/http://b.com y"), (std::vector<std::string>{"https://a.com/http://b.com"}));
  EXPECT_EQ(extract_links("(https://a.com)"), (std::vector<std::string>{"https://a.com)"}));
  EXPECT_EQ(extract_links("no links here"), (std::vector<std::string>{}));
  EXPECT_EQ(extract_links("http://"), (std::vector<std::string>{}));
  EXPECT_EQ(extract_links("https"), (std::vector<std::string>{}));
}

TEST(Links, UnicodeWhitespaceEndsALink) {
  EXPECT_EQ(extract_links("https://a.com\xc2\xa0next"), (std::vector<std::string>{"https://a.com"}));
  EXPECT_EQ(extract_links("https://a.com\xe3\x80\x80next"), (std::vector<std::string>{"https://a.com"}));
  EXPECT_EQ(extract_links("https://a.com\xe2\x80\xa8https://b.com"),
            (std::vector<std::string>{"https://a.com", "https://b.com"}));
  // Non-whitespace Unicode is part of the link.
  EXPECT_EQ(extract_links("https://bücher.de/ü"), (std::vector<std::string>{"https://bücher.de/ü"}));
}

TEST(Links, HostileInput) {
  EXPECT_EQ(extract_links(std::string_view("https://a\0b c", 13)),
            (std::vector<std::string>{std::string("https://a\0b", 11)}));
  EXPECT_EQ(extract_links("https://\xff\xfe\xc2"), (std::vector<std::string>{"https://\xff\xfe\xc2"}));
  // 8 MiB of "http" fragments: linear time, no regex backtracking.
  std::string big;
  for (int i = 0; i < 1 << 21; ++i) big += "http";
  EXPECT_TRUE(extract_links(big).empty());
  std::string one_long = "https://" + std::string(16 << 20, 'a');
  const auto links = extract_links(one_long);
  ASSERT_EQ(links.size(), 1U);
  EXPECT_EQ(links[0].size(), one_long.size());
}

}  // namespace
}  // namespace lumiere::ioc
