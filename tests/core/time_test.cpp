// Time conversions (spec §5.6). Expected strings were checked with `date -u -d @N` and Python's datetime.
#include "core/time.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace lumiere::timeconv {
namespace {

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();

TEST(TimeTest, MacAbsoluteTimeIntegers) {
  EXPECT_EQ(mac_to_iso(std::int64_t{0}), "");
  EXPECT_EQ(mac_to_iso(std::int64_t{1}), "2001-01-01 00:00:01.000000");
  EXPECT_EQ(mac_to_iso(std::int64_t{636527167}), "2021-03-04 05:06:07.000000");
  // Before 2001: 2000 is a leap year, so 366 days earlier is 2000-01-01.
  EXPECT_EQ(mac_to_iso(std::int64_t{-31622400}), "2000-01-01 00:00:00.000000");
  EXPECT_EQ(mac_to_iso(std::int64_t{-1000000000}), "1969-04-24 22:13:20.000000");
}

TEST(TimeTest, MacEighteenDigitNanoseconds) {
  // 694224000123456789 keeps 694224000: Unix 1672531200 = 2023-01-01 00:00:00 (date -u -d @1672531200).
  EXPECT_EQ(mac_to_iso(std::int64_t{694224000123456789}), "2023-01-01 00:00:00.000000");
  EXPECT_EQ(mac_to_iso(std::int64_t{100000000000000000}), "2004-03-03 09:46:40.000000");
  // 19 digits are taken as seconds, far beyond year 9999; so are 17 digits.
  EXPECT_EQ(mac_to_iso(std::int64_t{1694224000123456789}), "");
  EXPECT_EQ(mac_to_iso(std::int64_t{12345678901234567}), "");
  EXPECT_EQ(mac_to_iso(std::int64_t{-694224000123456789}), mac_to_iso(std::int64_t{-694224000}));
}

TEST(TimeTest, MacOverflowAndRange) {
  EXPECT_EQ(mac_to_iso(kInt64Max), "");
  EXPECT_EQ(mac_to_iso(kInt64Min), "");
  // 9999-12-31 23:59:59 is Unix 253402300799.
  EXPECT_EQ(mac_to_iso(std::int64_t{253402300799 - kMacEpochOffsetSeconds}), "9999-12-31 23:59:59.000000");
  EXPECT_EQ(mac_to_iso(std::int64_t{253402300800 - kMacEpochOffsetSeconds}), "");
}

TEST(TimeTest, MacFloatsKeepTheFraction) {
  EXPECT_EQ(mac_to_iso(0.0), "");
  EXPECT_EQ(mac_to_iso(636527167.5), "2021-03-04 05:06:07.500000");
  EXPECT_EQ(mac_to_iso(-0.25), "2000-12-31 23:59:59.750000");
  EXPECT_EQ(mac_to_iso(std::nan("")), "");
  EXPECT_EQ(mac_to_iso(std::numeric_limits<double>::infinity()), "");
  EXPECT_EQ(mac_to_iso(1e300), "");
  // Floats are never subject to the 18-digit rule.
  EXPECT_EQ(mac_to_iso(694224000123456789.0), "");
}

TEST(TimeTest, UnixFloatsRoundHalfEvenLikePython) {
  EXPECT_EQ(unix_to_iso(1.5), "1970-01-01 00:00:01.500000");
  EXPECT_EQ(unix_to_iso(-1.5), "1969-12-31 23:59:58.500000");
  EXPECT_EQ(unix_to_iso(1.5e-06), "1970-01-01 00:00:00.000002");
  EXPECT_EQ(unix_to_iso(2.5e-06), "1970-01-01 00:00:00.000002");  // half to even
  EXPECT_EQ(unix_to_iso(5e-07), "1970-01-01 00:00:00.000000");    // half to even
  EXPECT_EQ(unix_to_iso(-5e-07), "1970-01-01 00:00:00.000000");
  EXPECT_EQ(unix_to_iso(1700000000.1234565), "2023-11-14 22:13:20.123456");
  EXPECT_EQ(unix_to_iso(0.9999999), "1970-01-01 00:00:01.000000");  // carries into the second
  EXPECT_EQ(unix_to_iso(-62135596800.0), "0001-01-01 00:00:00.000000");
  EXPECT_EQ(unix_to_iso(-62135596801.0), "");
  EXPECT_EQ(unix_to_iso(253402300799.0), "9999-12-31 23:59:59.000000");
  EXPECT_EQ(unix_to_iso(253402300800.0), "");
  EXPECT_EQ(unix_to_iso(std::nan("")), "");
}

TEST(TimeTest, UnixIntegers) {
  EXPECT_EQ(unix_to_iso(std::int64_t{0}), "1970-01-01 00:00:00.000000");
  EXPECT_EQ(unix_to_iso(std::int64_t{1614834367}), "2021-03-04 05:06:07.000000");
  EXPECT_EQ(unix_to_iso(std::int64_t{-1}), "1969-12-31 23:59:59.000000");
  EXPECT_EQ(unix_to_iso(kInt64Max), "");
  EXPECT_EQ(unix_to_iso(kInt64Min), "");
}

TEST(TimeTest, ChromeWebKitTime) {
  EXPECT_EQ(chrome_to_iso(0), "1601-01-01 00:00:00.000000");
  EXPECT_EQ(chrome_to_iso(11644473600000000), "1970-01-01 00:00:00.000000");
  EXPECT_EQ(chrome_to_iso(13300000000123456), "2022-06-18 04:26:40.123456");
  EXPECT_EQ(chrome_to_iso(kInt64Min), "");
  EXPECT_EQ(chrome_to_iso(kInt64Max), "");
}

TEST(TimeTest, MicrosAndNanos) {
  EXPECT_EQ(iso_from_unix_micros(-1), "1969-12-31 23:59:59.999999");
  EXPECT_EQ(iso(Micros{std::chrono::microseconds{1614834367000001}}), "2021-03-04 05:06:07.000001");
  EXPECT_EQ(iso_from_unix_micros(kInt64Max), "");
  EXPECT_EQ(unix_nanos_to_iso(1700000000123456789), "2023-11-14 22:13:20.123456");
  EXPECT_EQ(unix_nanos_to_iso(-1), "1969-12-31 23:59:59.999999");
  EXPECT_EQ(iso_from_unix_micros(951825600000000), "2000-02-29 12:00:00.000000");  // leap day
}

TEST(TimeTest, NowLocalIsoHasMvtFormat) {
  const std::string now = now_local_iso();
  const std::string_view shape = "dddd-dd-dd dd:dd:dd.dddddd";
  ASSERT_EQ(now.size(), shape.size()) << now;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 'd') {
      EXPECT_TRUE(now[i] >= '0' && now[i] <= '9') << now;
    } else {
      EXPECT_EQ(now[i], shape[i]) << now;
    }
  }
  EXPECT_TRUE(parse_iso(now).has_value());
}

TEST(TimeTest, ParseIsoRoundTrips) {
  for (std::int64_t micros : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{1614834367500000},
                              std::int64_t{-62135596800000000}, std::int64_t{253402300799999999}}) {
    const auto text = iso_from_unix_micros(micros);
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(parse_iso(text), micros) << text;
  }
  EXPECT_EQ(parse_iso("2021-03-04T05:06:07Z"), 1614834367000000);
  EXPECT_EQ(parse_iso("2021-03-04 05:06:07.5"), 1614834367500000);
  EXPECT_EQ(parse_iso("2021-03-04 05:06:07+00:00"), 1614834367000000);
  EXPECT_EQ(parse_iso("2024-02-29 00:00:00"), 1709164800000000);
  for (const char* bad : {"", "garbage", "2021-02-30 00:00:00", "2023-02-29 00:00:00", "2021-13-01 00:00:00",
                          "2021-03-04 24:00:00", "2021-03-04 05:06:07.", "2021-03-04 05:06:07+02:00",
                          "0000-01-01 00:00:00", "2021-03-04", "2021-03-04 05:06:07.1234567"}) {
    EXPECT_FALSE(parse_iso(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace lumiere::timeconv
