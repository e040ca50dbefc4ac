// typedstream decoding of iMessage attributedBody blobs: real layouts (short and long texts, mutable classes,
// attribute runs after the string), and hostile input (every truncation, bit flips, lies about lengths,
// dangling references, other root classes) that must fail cleanly.
#include "core/typedstream.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace lumiere::typedstream {
namespace {

using Bytes = std::vector<std::uint8_t>;

void append(Bytes& out, std::string_view text) {
  out.insert(out.end(), text.begin(), text.end());
}

void append_length(Bytes& out, std::size_t n, bool big_endian = false) {
  constexpr std::size_t kMaxLiteral = 127;
  if (n <= kMaxLiteral) {
    out.push_back(static_cast<std::uint8_t>(n));
    return;
  }
  out.push_back(0x81);
  const auto lo = static_cast<std::uint8_t>(n & 0xFFU);
  const auto hi = static_cast<std::uint8_t>((n >> 8U) & 0xFFU);
  if (big_endian) {
    out.push_back(hi);
    out.push_back(lo);
  } else {
    out.push_back(lo);
    out.push_back(hi);
  }
}

void new_string(Bytes& out, std::string_view text) {
  out.push_back(0x84);
  append_length(out, text.size());
  append(out, text);
}

// The layout Messages writes for message.attributedBody: NSAttributedString (or the mutable subclass) whose
// string object is an NSString, followed by one attribute run (__kIMMessagePartAttributeName = 0).
Bytes imessage_body(std::string_view text, bool mutable_classes = false, bool big_endian = false) {
  Bytes out{0x04};
  const std::string_view signature = big_endian ? "typedstream" : "streamtyped";
  append_length(out, signature.size());  // the signature is not a shared string: no 0x84 tag
  append(out, signature);
  out.push_back(0x81);  // system version 1000
  if (big_endian) {
    out.push_back(0x03);
    out.push_back(0xE8);
  } else {
    out.push_back(0xE8);
    out.push_back(0x03);
  }
  new_string(out, "@");  // shared string 0
  out.push_back(0x84);   // new object (entry 0)
  if (mutable_classes) {
    out.push_back(0x84);  // new class (entry 1)
    new_string(out, "NSMutableAttributedString");
    out.push_back(0x00);
    out.push_back(0x84);  // superclass NSAttributedString (entry 2)
    new_string(out, "NSAttributedString");
    out.push_back(0x00);
  } else {
    out.push_back(0x84);  // new class (entry 1)
    new_string(out, "NSAttributedString");
    out.push_back(0x00);
  }
  out.push_back(0x84);  // superclass NSObject
  new_string(out, "NSObject");
  out.push_back(0x00);
  out.push_back(0x85);  // end of the class chain
  out.push_back(0x92);  // type "@" by reference (shared string 0)
  out.push_back(0x84);  // new object: the string
  out.push_back(0x84);
  new_string(out, mutable_classes ? "NSMutableString" : "NSString");
  out.push_back(0x01);
  if (mutable_classes) {
    out.push_back(0x84);
    new_string(out, "NSString");
    out.push_back(0x01);
    out.push_back(0x95);  // NSObject class: entry 3 in the mutable layout
  } else {
    out.push_back(0x94);  // NSObject class: entry 2
  }
  new_string(out, "+");
  append_length(out, text.size(), big_endian);
  append(out, text);
  out.push_back(0x86);
  // One attribute run and its dictionary, as Messages appends them (not needed for the text).
  new_string(out, "iI");
  out.push_back(0x01);
  append_length(out, text.size(), big_endian);
  out.push_back(0x92);
  out.push_back(0x84);
  out.push_back(0x84);
  new_string(out, "NSDictionary");
  out.push_back(0x00);
  out.push_back(0x94);
  new_string(out, "i");
  out.push_back(0x01);
  out.push_back(0x92);
  new_string(out, "__kIMMessagePartAttributeName");
  out.push_back(0x86);
  out.push_back(0x86);
  return out;
}

TEST(TypedstreamTest, ShortIMessageText) {
  auto text = attributed_string_text(imessage_body("Hello"));
  ASSERT_TRUE(text.has_value()) << text.error().message;
  EXPECT_EQ(*text, "Hello");
}

TEST(TypedstreamTest, LongTextWithLinkAndEmoji) {
  std::string body = "Your parcel is waiting \xF0\x9F\x93\xA6 confirm the delivery at https://example.org/track?id=";
  body += std::string(300, '7');
  auto text = attributed_string_text(imessage_body(body));
  ASSERT_TRUE(text.has_value()) << text.error().message;
  EXPECT_EQ(*text, body);
}

TEST(TypedstreamTest, MutableClassesAndBigEndian) {
  auto text = attributed_string_text(imessage_body("mutable", true));
  ASSERT_TRUE(text.has_value()) << text.error().message;
  EXPECT_EQ(*text, "mutable");
  const std::string long_text(200, 'x');
  auto be = attributed_string_text(imessage_body(long_text, false, true));
  ASSERT_TRUE(be.has_value()) << be.error().message;
  EXPECT_EQ(*be, long_text);
}

TEST(TypedstreamTest, EmptyString) {
  auto text = attributed_string_text(imessage_body(""));
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(*text, "");
}

TEST(TypedstreamTest, EveryTruncationFailsCleanly) {
  const std::string_view link = "https://example.org/a";
  const Bytes full = imessage_body(link);
  const std::string as_text(full.begin(), full.end());
  const std::size_t text_end = as_text.find(link) + link.size();  // beyond it, only attribute runs are cut
  ASSERT_TRUE(attributed_string_text(Bytes(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(text_end))));
  for (std::size_t n = 0; n < full.size(); ++n) {
    const Bytes cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    auto text = attributed_string_text(cut);
    if (n < text_end) {
      EXPECT_FALSE(text.has_value()) << "prefix of " << n << " bytes";
    }
  }
}

TEST(TypedstreamTest, LengthBeyondTheDataIsRejected) {
  Bytes body = imessage_body("abc");
  // "+" then the count 3: make it claim 0x7FFF bytes.
  for (std::size_t i = 0; i + 2 < body.size(); ++i) {
    if (body[i] == '+' && body[i + 1] == 3) {
      body[i + 1] = 0x81;
      body.insert(body.begin() + static_cast<std::ptrdiff_t>(i) + 2, {0xFF, 0x7F});
      break;
    }
  }
  auto text = attributed_string_text(body);
  ASSERT_FALSE(text.has_value());
  EXPECT_EQ(text.error().code, ErrorCode::kParse);
}

TEST(TypedstreamTest, NotATypedstream) {
  EXPECT_FALSE(attributed_string_text(Bytes{}).has_value());
  const std::string bplist = "bplist00\xD1\x01\x02";
  EXPECT_FALSE(attributed_string_text(Bytes(bplist.begin(), bplist.end())).has_value());
  Bytes wrong_signature = imessage_body("x");
  wrong_signature[2] = 'X';
  EXPECT_EQ(attributed_string_text(wrong_signature).error().code, ErrorCode::kParse);
}

TEST(TypedstreamTest, OtherRootClassIsUnsupported) {
  Bytes body = imessage_body("x");
  const std::string from = "NSAttributedString";
  const std::string to = "NSArrayXXXXXXXXXXX";
  for (std::size_t i = 0; i + from.size() <= body.size(); ++i) {
    if (std::string(body.begin() + static_cast<std::ptrdiff_t>(i),
                    body.begin() + static_cast<std::ptrdiff_t>(i + from.size())) == from) {
      std::copy(to.begin(), to.end(), body.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    }
  }
  auto text = attributed_string_text(body);
  ASSERT_FALSE(text.has_value());
  EXPECT_EQ(text.error().code, ErrorCode::kUnsupported);
}

TEST(TypedstreamTest, DanglingAndSelfReferencesAreRejected) {
  Bytes body = imessage_body("x");
  // The superclass reference 0x94 (entry 2) → 0xF0 (entry 94, never defined).
  for (auto& b : body) {
    if (b == 0x94) {
      b = 0xF0;
      break;
    }
  }
  EXPECT_FALSE(attributed_string_text(body).has_value());
  // A class whose superclass is a reference to an object entry.
  Bytes object_ref = imessage_body("x");
  for (auto& b : object_ref) {
    if (b == 0x94) {
      b = 0x92;  // entry 0 is the root object, not a class
      break;
    }
  }
  EXPECT_FALSE(attributed_string_text(object_ref).has_value());
}

TEST(TypedstreamTest, RandomMutationsNeverCrash) {
  const Bytes base = imessage_body("Check https://example.org/x now");
  std::mt19937 rng(20261128);  // fixed seed: reproducible
  constexpr int kRounds = 20000;
  for (int round = 0; round < kRounds; ++round) {
    Bytes mutated = base;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) mutated[rng() % mutated.size()] = static_cast<std::uint8_t>(rng());
    auto text = attributed_string_text(mutated);
    if (text) {
      EXPECT_LE(text->size(), mutated.size());
    }
  }
  Bytes noise(4096);
  for (int round = 0; round < 200; ++round) {
    for (auto& b : noise) b = static_cast<std::uint8_t>(rng());
    noise[0] = 0x04;
    (void)attributed_string_text(noise);
  }
}

}  // namespace
}  // namespace lumiere::typedstream
