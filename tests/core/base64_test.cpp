// Base64 as Python's base64.b64encode writes it (RFC 4648 test vectors plus binary plist-like data).
#include "core/base64.hpp"

#include <gtest/gtest.h>

namespace lumiere {
namespace {

TEST(Base64Test, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(std::string_view(plain)), encoded);
    auto decoded = base64_decode(encoded);
    ASSERT_TRUE(decoded.has_value()) << encoded;
    EXPECT_EQ(std::string(decoded->begin(), decoded->end()), plain);
  }
}

TEST(Base64Test, BinaryRoundTrip) {
  std::vector<std::uint8_t> all(256);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint8_t>(i);
  for (std::size_t n = 0; n <= all.size(); n += 37) {
    const std::span<const std::uint8_t> part(all.data(), n);
    auto back = base64_decode(base64_encode(part));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, std::vector<std::uint8_t>(part.begin(), part.end()));
  }
  // The 44-byte EncryptionKey shape: class 3 little-endian + 40 bytes.
  std::vector<std::uint8_t> key{3, 0, 0, 0};
  for (std::uint8_t i = 0; i < 40; ++i) key.push_back(i);
  EXPECT_EQ(base64_encode(key), "AwAAAAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4fICEiIyQlJic=");
  EXPECT_EQ(base64_encode(std::vector<std::uint8_t>{0xFB, 0xFF}), "+/8=");
}

TEST(Base64Test, StrictDecodingRejectsMalformedText) {
  for (const char* bad : {"Zg", "Zg=", "Zm9v\n", "Zm 9v", "Z===", "====", "Zg==Zg==", "Zm9-", "Zm9_", "=Zm9"}) {
    auto r = base64_decode(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kParse);
  }
}

}  // namespace
}  // namespace lumiere
