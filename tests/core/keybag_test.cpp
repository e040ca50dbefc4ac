// The backup keybag parser: keybags built the way iTunes/Finder write them (testing::build_keybag), the two
// password derivations, the wrong-password integrity failure, and hostile or unsupported TLV streams.
#include <gtest/gtest.h>

#include "sources/ios_keybag.hpp"
#include "testing/ios_backup_builder.hpp"

namespace lumiere::sources {
namespace {

struct Built {
  std::vector<std::uint8_t> keybag;
  std::vector<std::pair<std::uint32_t, crypto::Key>> class_keys;
};

Built build(const testing::KeyDerivation& derivation, const std::string& password) {
  const std::vector<std::uint8_t> salt(20, 0x11);
  const std::vector<std::uint8_t> dpsl(20, 0x22);
  const std::span<const std::uint8_t> pw(reinterpret_cast<const std::uint8_t*>(password.data()), password.size());
  std::vector<std::uint8_t> key =
      derivation.double_derivation
          ? crypto::pbkdf2_hmac_sha1(crypto::pbkdf2_hmac_sha256_openssl(pw, dpsl, derivation.dpic), salt,
                                     derivation.iterations)
          : crypto::pbkdf2_hmac_sha1(pw, salt, derivation.iterations);
  Built built;
  for (std::uint32_t c = 1; c <= 11; ++c) built.class_keys.emplace_back(c, crypto::Key::random());
  built.keybag = testing::build_keybag(derivation, salt, dpsl, crypto::Key(key), built.class_keys);
  return built;
}

std::vector<std::uint8_t> tlv(const char* tag, std::vector<std::uint8_t> value) {
  std::vector<std::uint8_t> out(tag, tag + 4);
  const auto n = static_cast<std::uint32_t>(value.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(n >> shift));
  out.insert(out.end(), value.begin(), value.end());
  return out;
}

TEST(Keybag, DoubleDerivationUnlocksEveryClassKey) {
  const auto built = build({.dpic = 50, .iterations = 7, .double_derivation = true}, "s3cr\xC3\xA9t !$'\"");
  auto bag = Keybag::parse(built.keybag);
  ASSERT_TRUE(bag) << bag.error().describe();
  EXPECT_EQ(bag->type(), 1U);
  EXPECT_TRUE(bag->has_double_derivation());
  EXPECT_EQ(bag->double_protection_iterations(), 50U);
  EXPECT_EQ(bag->iterations(), 7U);
  EXPECT_EQ(bag->class_keys().size(), 11U);
  auto keys = bag->unlock(bag->derive_key("s3cr\xC3\xA9t !$'\""));
  ASSERT_TRUE(keys) << keys.error().describe();
  EXPECT_EQ(keys->size(), 11U);
  // A key wrapped with class 3's key unwraps through ClassKeys.
  const crypto::Key file_key = crypto::Key::random();
  const auto wrapped = crypto::aes_wrap(built.class_keys[2].second, file_key);
  auto unwrapped = keys->unwrap(3, wrapped);
  ASSERT_TRUE(unwrapped);
  EXPECT_TRUE(*unwrapped == file_key);
  auto wrong_class = keys->unwrap(4, wrapped);
  ASSERT_FALSE(wrong_class);
  EXPECT_EQ(wrong_class.error().code, ErrorCode::kCorrupt);
  EXPECT_EQ(keys->unwrap(42, wrapped).error().code, ErrorCode::kNotFound);
}

TEST(Keybag, OlderBackupsDeriveWithSha1Only) {
  const auto built = build({.dpic = 0, .iterations = 100, .double_derivation = false}, "old");
  auto bag = Keybag::parse(built.keybag);
  ASSERT_TRUE(bag);
  EXPECT_FALSE(bag->has_double_derivation());
  EXPECT_TRUE(bag->unlock(bag->derive_key("old")));
}

TEST(Keybag, WrongPasswordIsTheIntegrityCheck) {
  const auto built = build({.dpic = 20, .iterations = 3, .double_derivation = true}, "right");
  auto bag = Keybag::parse(built.keybag);
  ASSERT_TRUE(bag);
  auto keys = bag->unlock(bag->derive_key("Right"));
  ASSERT_FALSE(keys);
  EXPECT_EQ(keys.error().code, ErrorCode::kWrongPassword);
  EXPECT_NE(keys.error().message.find("wrong password"), std::string::npos);
}

TEST(Keybag, HostileAndUnsupportedStreams) {
  const auto built = build({.dpic = 20, .iterations = 3, .double_derivation = true}, "x");
  auto expect_unsupported = [](const std::vector<std::uint8_t>& data, const std::string& why) {
    auto bag = Keybag::parse(data);
    ASSERT_FALSE(bag) << why;
    EXPECT_EQ(bag.error().code, ErrorCode::kUnsupported) << why;
    EXPECT_NE(bag.error().message.find("unsupported keybag"), std::string::npos) << why;
  };
  expect_unsupported({}, "empty");
  for (std::size_t cut = 1; cut < built.keybag.size(); cut += 13) {
    auto truncated = Keybag::parse(std::span(built.keybag).first(cut));
    if (truncated) {
      EXPECT_FALSE(truncated->unlock(crypto::Key::random())) << "cut at " << cut;
    }
  }
  std::vector<std::uint8_t> huge_length = tlv("VERS", {0, 0, 0, 4});
  huge_length.insert(huge_length.end(), {'S', 'A', 'L', 'T', 0x7F, 0xFF, 0xFF, 0xFF, 1, 2});
  expect_unsupported(huge_length, "length past the end");
  expect_unsupported(std::vector<std::uint8_t>(100, 0x00), "binary garbage");
  std::vector<std::uint8_t> no_salt = tlv("VERS", {0, 0, 0, 4});
  auto tail = tlv("UUID", std::vector<std::uint8_t>(16, 1));
  no_salt.insert(no_salt.end(), tail.begin(), tail.end());
  expect_unsupported(no_salt, "no SALT/ITER");
  std::vector<std::uint8_t> device_only = tlv("UUID", std::vector<std::uint8_t>(16, 1));
  for (const auto& part :
       {tlv("TYPE", {0, 0, 0, 1}), tlv("SALT", std::vector<std::uint8_t>(20, 2)), tlv("ITER", {0, 0, 0, 10}),
        tlv("UUID", std::vector<std::uint8_t>(16, 3)), tlv("CLAS", {0, 0, 0, 1}), tlv("WRAP", {0, 0, 0, 1}),
        tlv("WPKY", std::vector<std::uint8_t>(40, 4))}) {
    device_only.insert(device_only.end(), part.begin(), part.end());
  }
  expect_unsupported(device_only, "class keys wrapped only with the device key");
  std::vector<std::uint8_t> type_too_high = tlv("UUID", std::vector<std::uint8_t>(16, 1));
  for (const auto& part :
       {tlv("TYPE", {0, 0, 0, 9}), tlv("SALT", std::vector<std::uint8_t>(20, 2)), tlv("ITER", {0, 0, 0, 10})}) {
    type_too_high.insert(type_too_high.end(), part.begin(), part.end());
  }
  expect_unsupported(type_too_high, "keybag type 9");
}

}  // namespace
}  // namespace lumiere::sources
