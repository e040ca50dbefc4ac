// The crypto layer against published test vectors (RFC 3394 §4.6, PBKDF2-HMAC-SHA256 vectors) and against
// OpenSSL's generic PKCS5_PBKDF2_HMAC over many password, salt, round and length combinations.
#include "core/crypto.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lumiere::crypto {
namespace {

std::vector<std::uint8_t> bytes(std::string_view text) {
  return {text.begin(), text.end()};
}

std::vector<std::uint8_t> from_hex(std::string_view hex) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::string to_hex(const std::vector<std::uint8_t>& data) {
  static constexpr const char* kHex = "0123456789abcdef";
  std::string out;
  for (const auto b : data) {
    out += kHex[b >> 4U];
    out += kHex[b & 0xFU];
  }
  return out;
}

TEST(Pbkdf2Sha256, PublishedVectors) {
  EXPECT_EQ(to_hex(pbkdf2_hmac_sha256(bytes("password"), bytes("salt"), 1)),
            "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
  EXPECT_EQ(to_hex(pbkdf2_hmac_sha256(bytes("password"), bytes("salt"), 2)),
            "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43");
  EXPECT_EQ(to_hex(pbkdf2_hmac_sha256(bytes("password"), bytes("salt"), 4096)),
            "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a");
  EXPECT_EQ(to_hex(pbkdf2_hmac_sha256(bytes("passwordPASSWORDpassword"), bytes("saltSALTsaltSALTsaltSALTsaltSALTsalt"),
                                      4096, 40)),
            "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9");
}

TEST(Pbkdf2Sha256, MatchesOpenSslForEveryShape) {
  const std::vector<std::string> passwords{"",
                                           "a",
                                           "p\xC3\xA4sswort \xE6\x97\xA5\xE6\x9C\xAC !$`\"'\\;|&*?",
                                           std::string(64, 'x'),
                                           std::string(65, 'y'),
                                           std::string(200, 'z')};
  const std::vector<std::string> salts{
      "", "salt", std::string(20, '\x01'), std::string(55, 's'), std::string(56, 't'), std::string(130, 'u')};
  for (const auto& password : passwords) {
    for (const auto& salt : salts) {
      for (const std::uint32_t rounds : {1U, 2U, 3U, 1000U}) {
        for (const std::size_t length : {std::size_t{32}, std::size_t{16}, std::size_t{33}, std::size_t{100}}) {
          EXPECT_EQ(pbkdf2_hmac_sha256(bytes(password), bytes(salt), rounds, length),
                    pbkdf2_hmac_sha256_openssl(bytes(password), bytes(salt), rounds, length))
              << "password size " << password.size() << ", salt size " << salt.size() << ", rounds " << rounds
              << ", length " << length;
        }
      }
    }
  }
}

TEST(Pbkdf2Sha1, PublishedVector) {
  // RFC 6070.
  EXPECT_EQ(to_hex(pbkdf2_hmac_sha1(bytes("password"), bytes("salt"), 4096, 20)),
            "4b007901b765489abead49d926f721d065a429c1");
}

TEST(Sha256Compress, OneBlockIsTheDigestOfAnEmptyMessage) {
  std::array<std::uint32_t, 8> state{0x6a09e667U, 0xbb67ae85U, 0x3c6ef372U, 0xa54ff53aU,
                                     0x510e527fU, 0x9b05688cU, 0x1f83d9abU, 0x5be0cd19U};
  std::array<std::uint8_t, 64> block{};
  block[0] = 0x80;
  sha256_compress(state, block.data());
  EXPECT_EQ(state[0], 0xe3b0c442U);
  EXPECT_EQ(state[7], 0x7852b855U);
}

TEST(AesKeyWrap, Rfc3394Vector) {
  const Key kek(from_hex("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"));
  const Key key(from_hex("00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F"));
  const auto wrapped = aes_wrap(kek, key);
  EXPECT_EQ(to_hex(wrapped), "28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21");
  auto unwrapped = aes_unwrap(kek, wrapped);
  ASSERT_TRUE(unwrapped);
  EXPECT_TRUE(*unwrapped == key);
}

TEST(AesKeyWrap, WrongKekIsAnIntegrityFailure) {
  const Key kek = Key::random();
  const Key key = Key::random();
  const auto wrapped = aes_wrap(kek, key);
  auto unwrapped = aes_unwrap(Key::random(), wrapped);
  ASSERT_FALSE(unwrapped);
  EXPECT_EQ(unwrapped.error().code, ErrorCode::kWrongPassword);
  EXPECT_NE(unwrapped.error().message.find("integrity"), std::string::npos);
  auto short_input = aes_unwrap(kek, std::span<const std::uint8_t>(wrapped.data(), 32));
  ASSERT_FALSE(short_input);
  EXPECT_EQ(short_input.error().code, ErrorCode::kCorrupt);
}

TEST(AesCbc, RoundTripsEverySizeWholeAndStreamed) {
  const Key key = Key::random();
  for (const std::size_t size : {0UL, 1UL, 15UL, 16UL, 17UL, 4096UL, 1000003UL}) {
    std::vector<std::uint8_t> plain(size);
    for (std::size_t i = 0; i < size; ++i) plain[i] = static_cast<std::uint8_t>(i * 7 + 3);
    const auto cipher = aes_cbc_encrypt(key, plain);
    EXPECT_EQ(cipher.size(), (size / 16 + 1) * 16) << "PKCS#7 always pads";
    auto whole = aes_cbc_decrypt(key, cipher);
    ASSERT_TRUE(whole) << size;
    EXPECT_EQ(*whole, plain);
    // Streamed in uneven pieces.
    CbcDecryptor decryptor(key);
    std::vector<std::uint8_t> streamed;
    for (std::size_t pos = 0; pos < cipher.size();) {
      const std::size_t n = std::min<std::size_t>(cipher.size() - pos, 1 + (pos % 37));
      ASSERT_TRUE(decryptor.update(std::span(cipher).subspan(pos, n), streamed));
      pos += n;
    }
    ASSERT_TRUE(decryptor.finish(streamed));
    EXPECT_EQ(streamed, plain) << size;
  }
}

TEST(AesCbc, PaddingIsCheckedNotGuessed) {
  const Key key(from_hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"));
  const std::vector<std::uint8_t> plain(100, 0x41);
  auto cipher = aes_cbc_encrypt(key, plain);
  // Truncated by one block: the last block left is not a padding block.
  auto truncated = aes_cbc_decrypt(key, std::span(cipher).first(cipher.size() - 16));
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(truncated.error().message.find("PKCS#7"), std::string::npos);
  // Not a whole number of blocks.
  EXPECT_FALSE(aes_cbc_decrypt(key, std::span(cipher).first(cipher.size() - 3)));
  // The wrong key.
  EXPECT_FALSE(aes_cbc_decrypt(Key(from_hex("00" + std::string(62, '1'))), cipher));
}

TEST(Key, HexRoundTripAndErrors) {
  const Key key = Key::random();
  auto parsed = Key::from_hex(key.hex());
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(*parsed == key);
  std::string upper = key.hex();
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(Key::from_hex(upper));
  EXPECT_FALSE(Key::from_hex(key.hex().substr(1)));
  EXPECT_FALSE(Key::from_hex(std::string(63, 'a') + "g"));
}

}  // namespace
}  // namespace lumiere::crypto
