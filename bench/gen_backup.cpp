// gen_backup N OUT: writes a large realistic iTunes backup at scale N into OUT (which must not exist or be
// empty), for bench/run_scale.sh. Each database starts from a reviewed fixture script (its schema as iOS
// writes it, and its rows with real indicators from ../shared/iocs: Pegasus domains in an SMS, a Safari
// redirect, a Chrome visit, a WhatsApp link preview, the "bh" process in DataUsage) and grows with generated
// rows of the same shape. At N = 100: 100k SMS (a third with links), 200k Safari visits over 50k URLs,
// 50k DataUsage rows, 20k WhatsApp messages, 20k Chrome visits, 10k WebKit observed domains and 50k more
// Manifest.db entries. Deterministic: the same N gives the same backup.
#include <fmt/core.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "testing/ios_backup_builder.hpp"

namespace {

namespace fs = std::filesystem;

std::string fixture_sql(const std::string& module, const std::string& file) {
  const fs::path path = fs::path(LUMIERE_SOURCE_DIR) / "tests" / "fixtures" / module / "pegasus_hit" / file;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A small deterministic generator (xorshift64*): the same N gives the same bytes.
class Random {
 public:
  std::uint64_t next() {
    state_ ^= state_ >> 12U;
    state_ ^= state_ << 25U;
    state_ ^= state_ >> 27U;
    return state_ * 0x2545F4914F6CDD1DULL;
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t state_ = 0x9E3779B97F4A7C15ULL;
};

const std::vector<std::string> kSites{
    "www.nzz.ch",        "www.bbc.com",         "www.lemonde.fr", "en.wikipedia.org",     "github.com",
    "www.sbb.ch",        "www.booking.com",     "www.google.com", "news.ycombinator.com", "www.migros.ch",
    "www.digitec.ch",    "www.srf.ch",          "maps.apple.com", "www.youtube.com",      "www.reddit.com",
    "stackoverflow.com", "www.theguardian.com", "www.admin.ch",   "www.postfinance.ch",   "www.instagram.com"};
const std::vector<std::string> kWords{"dinner",    "tomorrow", "meeting",    "train",   "photos", "call me", "thanks",
                                      "on my way", "see you",  "the report", "weekend", "ticket", "address"};
// Real indicators (Amnesty's 2021 Pegasus domains) planted once per 10,000 generated messages.
const std::vector<std::string> kPlanted{"free247downloads.com", "urlpush.net", "weather4free.com"};

std::string url(Random& random, std::size_t i) {
  return fmt::format("https://{}/{}/{}?id={}", kSites[random.below(kSites.size())], kWords[random.below(kWords.size())],
                     i, random.next() % 100000);
}

std::string sentence(Random& random) {
  std::string out = kWords[random.below(kWords.size())];
  for (int w = 0; w < 6; ++w) out += " " + kWords[random.below(kWords.size())];
  return out;
}

std::string sms_db(std::size_t n, Random& random) {
  std::string sql = "BEGIN;\n" + fixture_sql("ios.sms", "sms.sql");
  const std::int64_t start = 650000000LL * 1000000000LL;  // Mac absolute time, nanoseconds (2021-08)
  for (std::size_t i = 0; i < 1000 * n; ++i) {
    std::string text = sentence(random);
    if (i % 3 == 0) {
      text += " " + (i % 10000 == 5000 ? fmt::format("https://{}/s/{}", kPlanted[(i / 10000) % kPlanted.size()], i)
                                       : url(random, i));
    }
    const std::int64_t date = start + static_cast<std::int64_t>(i) * 600LL * 1000000000LL;
    sql += fmt::format(
        "INSERT INTO message (guid, text, handle_id, service, account, date, date_read, date_delivered, is_delivered, "
        "is_finished, is_from_me, is_read) VALUES ('GEN-{:08d}', '{}', {}, '{}', 'E:me@icloud.com', {}, {}, {}, 1, 1, "
        "{}, 1);\n",
        i, text, 1 + random.below(4), i % 2 == 0 ? "iMessage" : "SMS", date, date + 60000000000LL, date + 1000000000LL,
        i % 2);
  }
  return sql + "COMMIT;\n";
}

std::string safari_history_db(std::size_t n, Random& random) {
  std::string sql = "BEGIN;\n" + fixture_sql("ios.safari_history", "History.sql");
  const std::size_t items = 500 * n;
  for (std::size_t i = 0; i < items; ++i) {
    sql += fmt::format("INSERT INTO history_items VALUES({},'{}','site',4,X'01000000',NULL,NULL,0,20,200);\n", 100 + i,
                       url(random, i));
  }
  for (std::size_t v = 0; v < 2000 * n; ++v) {
    sql += fmt::format("INSERT INTO history_visits VALUES({},{},{:.3f},'{}',1,0,0,NULL,NULL,0,0,0,0);\n", 100 + v,
                       100 + random.below(items), 650000000.0 + static_cast<double>(v) * 30.5,
                       kWords[random.below(kWords.size())]);
  }
  return sql + "COMMIT;\n";
}

std::string datausage_db(std::size_t n, Random& random) {
  std::string sql = "BEGIN;\n" + fixture_sql("ios.datausage", "datausage.sql");
  const std::size_t processes = 100 * n;
  for (std::size_t p = 0; p < processes; ++p) {
    sql += fmt::format("INSERT INTO ZPROCESS VALUES ({}, 9, 1, {:.1f}, {:.1f}, 'com.example.app{}', 'App{}');\n",
                       100 + p, 640000000.0 + static_cast<double>(p), 650000000.0 + static_cast<double>(p), p, p);
  }
  for (std::size_t u = 0; u < 400 * n; ++u) {
    sql += fmt::format(
        "INSERT INTO ZLIVEUSAGE VALUES ({}, 6, 1, 0, 0, 0, {}, NULL, {:.1f}, {}.0, {}.0, 0.0, 0.0, {}.0, {}.0);\n",
        100 + u, 100 + random.below(processes), 650000000.0 + static_cast<double>(u) * 10.0, random.next() % 1000000,
        random.next() % 100000, random.next() % 1000000, random.next() % 100000);
  }
  return sql + "COMMIT;\n";
}

std::string webkit_observations_db(std::size_t n, Random& random) {
  std::string sql = "BEGIN;\n" + fixture_sql("ios.webkit_resource_load_statistics", "safari.sql");
  for (std::size_t d = 0; d < 100 * n; ++d) {
    sql += fmt::format("INSERT INTO ObservedDomains VALUES({},'site{}-{}.com',{:.1f},{},0,0,0,0,0,0,0,0,0);\n", 100 + d,
                       d, random.next() % 1000, 1626081180.0 + static_cast<double>(d), d % 2);
  }
  return sql + "COMMIT;\n";
}

std::string whatsapp_db(std::size_t n, Random& random) {
  std::string sql = "BEGIN;\n" + fixture_sql("ios.whatsapp", "ChatStorage.sql");
  for (std::size_t m = 0; m < 200 * n; ++m) {
    std::string text = sentence(random);
    if (m % 3 == 0) text += " " + url(random, m);
    sql += fmt::format(
        "INSERT INTO ZWAMESSAGE (Z_PK, Z_ENT, Z_OPT, ZISFROMME, ZMESSAGESTATUS, ZMESSAGETYPE, ZSORT, ZCHATSESSION, "
        "ZMESSAGEDATE, ZSENTDATE, ZFROMJID, ZSTANZAID, ZTEXT, ZDATAITEMVERSION) VALUES ({}, 9, 3, {}, 0, 0, {}, {}, "
        "{:.1f}, {:.1f}, '41791234567@s.whatsapp.net', '3EB{:013X}', '{}', 0);\n",
        100 + m, m % 2, 100 + m, 1 + m % 3, 650000000.0 + static_cast<double>(m) * 60.0,
        650000000.0 + static_cast<double>(m) * 60.0, m, text);
  }
  return sql + "COMMIT;\n";
}

std::string chrome_history_db(std::size_t n, Random& random) {
  std::string sql = "BEGIN;\n" + fixture_sql("ios.chrome_history", "History.sql");
  const std::int64_t start = 13270580000000000LL;  // WebKit/Chrome time, microseconds since 1601 (2021-07)
  for (std::size_t i = 0; i < 200 * n; ++i) {
    const std::int64_t time = start + static_cast<std::int64_t>(i) * 45000000LL;
    sql += fmt::format("INSERT INTO urls VALUES({},'{}','{}',1,0,{},0);\n", 100 + i, url(random, i),
                       kWords[random.below(kWords.size())], time);
    sql += fmt::format("INSERT INTO visits VALUES({},{},{},0,805306368,0,3000000,0,0,'',0,0,0,0,1,NULL,{});\n", 100 + i,
                       100 + i, time, 100 + i);
  }
  return sql + "COMMIT;\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: gen_backup N OUT\n");
    return 2;
  }
  const auto n = static_cast<std::size_t>(std::strtoul(argv[1], nullptr, 10));
  if (n == 0) {
    std::fprintf(stderr, "gen_backup: N must be a positive integer\n");
    return 2;
  }
  try {
    Random random;
    lumiere::testing::IosBackupBuilder builder{fs::path(argv[2])};
    builder.add_sqlite("HomeDomain", "Library/SMS/sms.db", sms_db(n, random))
        .add_sqlite("HomeDomain", "Library/Safari/History.db", safari_history_db(n, random))
        .add_sqlite("WirelessDomain", "Library/Databases/DataUsage.sqlite", datausage_db(n, random))
        .add_sqlite("AppDomain-com.apple.mobilesafari",
                    "Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db",
                    webkit_observations_db(n, random))
        .add_sqlite("AppDomainGroup-group.net.whatsapp.WhatsApp.shared", "ChatStorage.sqlite", whatsapp_db(n, random))
        .add_sqlite("AppDomainGroup-group.net.whatsapp.WhatsApp.shared", "LID.sqlite",
                    fixture_sql("ios.whatsapp", "LID.sql"))
        .add_sqlite("AppDomain-com.google.chrome.ios", "Library/Application Support/Google/Chrome/Default/History",
                    chrome_history_db(n, random));
    // Manifest.db rows (and their small blobs) of the apps' other files.
    for (std::size_t f = 0; f < 500 * n; ++f) {
      lumiere::testing::FileMeta meta;
      meta.birth = meta.last_modified = meta.last_status_change = 1650000000 + static_cast<std::int64_t>(f);
      builder.add_file(fmt::format("AppDomain-com.example.app{}", f % 300),
                       fmt::format("Library/Caches/{}/item{}.dat", kWords[f % kWords.size()], f),
                       fmt::format("content of file {}", f), meta);
    }
    if (auto ok = builder.write(); !ok) {
      std::fprintf(stderr, "gen_backup: %s\n", ok.error().describe().c_str());
      return 1;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gen_backup: %s\n", e.what());
    return 1;
  }
  return 0;
}
