// URL shorteners: the embedded list, the offline default and --resolve-short-urls against a local server.
#include <gtest/gtest.h>

#include "indicators/http_test_server.hpp"
#include "indicators/indicator_set.hpp"
#include "indicators/resolver.hpp"
#include "indicators/shorteners.hpp"
#include "indicators/stix_fixtures.hpp"
#include "indicators/stix_loader.hpp"

namespace lumiere::ioc {
namespace {

TEST(Shorteners, EmbeddedListIsLoaded) {
  EXPECT_GT(shortener_count(), 1000U);
  for (const char* host : {"bit.ly", "t.co", "goo.gl", "tinyurl.com", "is.gd", "buff.ly", "ow.ly", "t.me", "forms.gle",
                           "1drv.ms", "apple.news"}) {
    EXPECT_TRUE(is_shortener_host(host)) << host;
  }
  EXPECT_FALSE(is_shortener_host("evil.com"));
  EXPECT_FALSE(is_shortener_host("#"));
}

TEST(Shorteners, IsShortened) {
  EXPECT_TRUE(is_shortened("https://bit.ly/abc"));
  EXPECT_TRUE(is_shortened("http://BIT.LY/abc"));
  EXPECT_TRUE(is_shortened("bit.ly/abc"));
  EXPECT_TRUE(is_shortened("https://www.bit.ly/abc"));
  EXPECT_TRUE(is_shortened("https://goo.gl/abc"));
  EXPECT_FALSE(is_shortened("https://goo.gl/maps/abc"));  // Maps short links are not redirectors to check
  EXPECT_FALSE(is_shortened("https://x.bit.ly.evil.com/abc"));
  EXPECT_FALSE(is_shortened("https://evil.com/bit.ly"));
  EXPECT_FALSE(is_shortened(""));
}

IndicatorSet set_with_domain(const std::string& domain) {
  std::vector<ParsedFile> files;
  files.push_back(parse_stix2_text(test::stix_bundle("Spy", {test::stix_eq("domain-name:value", domain)}), "s.stix2"));
  return build_indicator_set(std::move(files));
}

TEST(Shorteners, OfflineByDefault) {
  const IndicatorSet set = set_with_domain("evil.com");
  const UrlCheck check = set.match_url_expanded("https://bit.ly/3xYz", nullptr);
  EXPECT_TRUE(check.shortened);
  EXPECT_FALSE(check.expanded);
  ASSERT_TRUE(check.expansion_error.has_value());
  EXPECT_NE(check.expansion_error->message.find("not expanded"), std::string::npos);
  EXPECT_FALSE(check.match.has_value());
  EXPECT_EQ(check.final_url, "https://bit.ly/3xYz");
  // A non-shortened link is matched as usual.
  const UrlCheck direct = set.match_url_expanded("https://evil.com/", nullptr);
  EXPECT_FALSE(direct.shortened);
  EXPECT_TRUE(direct.match.has_value());
}

TEST(Resolver, ExpandsThroughNestedShortenersWithHeadOnly) {
  test::TestHttpServer server;
  server.route("/short1", {301, "", {{"Location", "/short2"}}});
  server.route("/short2", {302, "", {{"Location", "https://payload.evil.com/landing?id=7"}}});
  server.route("/plain", {200, "hello", {}});
  ShortUrlResolver::Options options;
  options.timeout = std::chrono::milliseconds(5000);
  options.extra_shortener_hosts = {"127.0.0.1"};
  const ShortUrlResolver resolver(options);

  const auto once = resolver.resolve_once(server.url("/short1"));
  ASSERT_TRUE(once.has_value()) << once.error().describe();
  EXPECT_EQ(*once, server.url("/short2"));  // relative Location made absolute

  const auto final_url = resolver.expand(server.url("/short1"));
  ASSERT_TRUE(final_url.has_value());
  EXPECT_EQ(*final_url, "https://payload.evil.com/landing?id=7");

  const auto not_redirect = resolver.resolve_once(server.url("/plain"));
  ASSERT_FALSE(not_redirect.has_value());
  EXPECT_NE(not_redirect.error().message.find("200"), std::string::npos);

  const IndicatorSet set = set_with_domain("evil.com");
  const std::string short_url = server.url("/short1");
  const UrlCheck check = set.match_url_expanded(short_url, &resolver);
  EXPECT_TRUE(check.shortened);
  EXPECT_TRUE(check.expanded);
  EXPECT_EQ(check.final_url, "https://payload.evil.com/landing?id=7");
  ASSERT_TRUE(check.match.has_value());
  EXPECT_EQ(check.match->message,
            "Found a sub-domain with a suspicious top level https://payload.evil.com/landing?id=7 shortened as " +
                short_url + " matching indicator \"evil.com\" from \"Spy\"");

  // Only HEAD requests, and the destination itself was never contacted.
  for (const auto& request : server.requests()) EXPECT_EQ(request.rfind("HEAD ", 0), 0U) << request;
}

TEST(Resolver, FailuresAndLoopsAreBounded) {
  test::TestHttpServer server;
  server.route("/loop", {301, "", {{"Location", "/loop"}}});
  ShortUrlResolver::Options options;
  options.timeout = std::chrono::milliseconds(5000);
  options.max_depth = 4;
  options.extra_shortener_hosts = {"127.0.0.1"};
  const ShortUrlResolver resolver(options);
  const auto looped = resolver.expand(server.url("/loop"));
  ASSERT_TRUE(looped.has_value());
  EXPECT_EQ(server.requests().size(), 4U);

  const auto missing = resolver.expand(server.url("/missing"));
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("404"), std::string::npos);

  const IndicatorSet set = set_with_domain("127.0.0.1");
  const UrlCheck check = set.match_url_expanded(server.url("/missing"), &resolver);
  EXPECT_TRUE(check.shortened);
  EXPECT_FALSE(check.expanded);
  EXPECT_TRUE(check.expansion_error.has_value());
  ASSERT_TRUE(check.match.has_value());  // the link as written still matches
}

}  // namespace
}  // namespace lumiere::ioc
