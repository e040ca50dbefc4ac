// Indicator engine speed: loading every public STIX2 file we have, and the typed queries modules make
// millions of times on a large backup (targets: load < 100 ms, a URL check well under a microsecond).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>
#include <vector>

#include "indicators/indicator_set.hpp"
#include "indicators/links.hpp"
#include "indicators/loader.hpp"
#include "indicators/stix_loader.hpp"
#include "indicators/stix_pattern.hpp"

namespace {

namespace ioc = lumiere::ioc;

std::filesystem::path shared_iocs() {
  return std::filesystem::path(LUMIERE_SHARED_DIR) / "iocs";
}

ioc::IndicatorSources shared_sources() {
  ioc::IndicatorSources sources;
  sources.paths = {shared_iocs()};
  sources.use_environment = false;
  sources.use_user_data = false;
  return sources;
}

const ioc::IndicatorSet& shared_set() {
  static const ioc::IndicatorSet set = ioc::load_indicators(shared_sources());
  return set;
}

void BM_LoadSharedFolder(benchmark::State& state) {
  std::size_t indicators = 0;
  for (auto _ : state) {
    const ioc::IndicatorSet set = ioc::load_indicators(shared_sources());
    indicators = set.size();
    benchmark::DoNotOptimize(indicators);
  }
  state.counters["indicators"] = static_cast<double>(indicators);
  state.counters["files"] = static_cast<double>(shared_set().file_reports().size());
}
BENCHMARK(BM_LoadSharedFolder)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_LoadPegasus(benchmark::State& state) {
  const std::vector<std::filesystem::path> files = {shared_iocs() /
                                                    "AmnestyTech-investigations/2021-07-18_nso/pegasus.stix2"};
  for (auto _ : state) benchmark::DoNotOptimize(ioc::load_stix2_files(files).size());
}
BENCHMARK(BM_LoadPegasus)->Unit(benchmark::kMillisecond);

const std::vector<std::string>& typical_urls() {
  static const std::vector<std::string> urls = {
      "https://www.google.com/search?q=weather&client=safari",
      "https://mobile.twitter.com/i/status/1234567890",
      "https://cdn.jsdelivr.net/npm/bootstrap@5.3.0/dist/css/bootstrap.min.css",
      "http://a.b.c.news.bbc.co.uk/sport/football/12345678",
      "https://login.microsoftonline.com:443/common/oauth2/v2.0/authorize?client_id=x",
      "https://198.51.100.23:8443/api",
      "https://[2001:db8::17]/x",
      "https://www.example.org/",
  };
  return urls;
}

void BM_MatchUrlMiss(benchmark::State& state) {
  const auto& set = shared_set();
  const auto& urls = typical_urls();
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(set.match_url(urls[i++ % urls.size()]));
}
BENCHMARK(BM_MatchUrlMiss);

void BM_MatchUrlHitSubdomain(benchmark::State& state) {
  const auto& set = shared_set();
  // A subdomain of a Pegasus domain: walks the labels, then builds the MVT message.
  const std::string url = "https://x1.y2.free247downloads.com/track?id=4";
  if (!set.match_url(url)) state.SkipWithError("expected a match");
  for (auto _ : state) benchmark::DoNotOptimize(set.match_url(url));
}
BENCHMARK(BM_MatchUrlHitSubdomain);

void BM_MatchDomainMiss(benchmark::State& state) {
  const auto& set = shared_set();
  const std::vector<std::string> hosts = {"www.apple.com", "gateway.icloud.com", "graph.facebook.com", "example.co.uk"};
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(set.match_domain(hosts[i++ % hosts.size()]));
}
BENCHMARK(BM_MatchDomainMiss);

void BM_MatchProcess(benchmark::State& state) {
  const auto& set = shared_set();
  const std::vector<std::string> names = {"/usr/libexec/locationd", "com.apple.WebKit", "bh", "mediaserverd"};
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(set.match_process(names[i++ % names.size()]));
}
BENCHMARK(BM_MatchProcess);

void BM_MatchFilePath(benchmark::State& state) {
  const auto& set = shared_set();
  const std::string path = "/private/var/mobile/Library/Caches/com.apple.Safari/Cache.db-wal";
  for (auto _ : state) benchmark::DoNotOptimize(set.match_file_path(path));
}
BENCHMARK(BM_MatchFilePath);

void BM_MatchFileHash(benchmark::State& state) {
  const auto& set = shared_set();
  const std::string hash = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";
  for (auto _ : state) benchmark::DoNotOptimize(set.match_file_hash(hash));
}
BENCHMARK(BM_MatchFileHash);

void BM_ExtractLinksSms(benchmark::State& state) {
  const std::string sms =
      "Your parcel is waiting: https://bit.ly/3xYzAbC please confirm within 24h. Info: http://example.org/faq?x=1 "
      "Merci / Thanks \xc2\xa0 https://t.co/abcdef";
  for (auto _ : state) benchmark::DoNotOptimize(ioc::extract_links(sms));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(sms.size()));
}
BENCHMARK(BM_ExtractLinksSms);

void BM_ParsePattern(benchmark::State& state) {
  const std::string pattern =
      "[file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']";
  for (auto _ : state) benchmark::DoNotOptimize(ioc::stix::parse_pattern(pattern));
}
BENCHMARK(BM_ParsePattern);

}  // namespace
