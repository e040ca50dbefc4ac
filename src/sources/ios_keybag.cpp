#include "sources/ios_keybag.hpp"

#include <fmt/core.h>

#include <string>

namespace lumiere::sources {
namespace {

constexpr std::uint32_t kWrapPasscode = 2;
constexpr std::uint32_t kMaxBackupKeybagType = 3;
constexpr std::size_t kSaltBytes = 20;

std::uint32_t be32(std::span<const std::uint8_t> bytes) {
  return (std::uint32_t{bytes[0]} << 24U) | (std::uint32_t{bytes[1]} << 16U) | (std::uint32_t{bytes[2]} << 8U) |
         std::uint32_t{bytes[3]};
}

Unexpected<Error> unsupported(const std::string& why) {
  return unexpected(ErrorCode::kUnsupported, "unsupported keybag: " + why, "Manifest.plist BackupKeyBag");
}

bool printable_tag(std::span<const std::uint8_t> tag) {
  for (const auto c : tag) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

}  // namespace

Result<crypto::Key> ClassKeys::unwrap(std::uint32_t protection_class, std::span<const std::uint8_t> wrapped) const {
  const auto it = keys_.find(protection_class);
  if (it == keys_.end()) {
    return unexpected(ErrorCode::kNotFound,
                      fmt::format("the keybag has no key for protection class {}", protection_class));
  }
  auto key = crypto::aes_unwrap(it->second, wrapped);
  if (!key) {
    if (key.error().code == ErrorCode::kWrongPassword) {
      return unexpected(ErrorCode::kCorrupt,
                        fmt::format("the file key does not unwrap with the class {} key (integrity check failed): "
                                    "damaged metadata",
                                    protection_class));
    }
    return std::move(key).error();
  }
  return key;
}

Result<Keybag> Keybag::parse(std::span<const std::uint8_t> data) {
  if (data.empty()) return unsupported("empty");
  if (data.size() > kMaxBytes)
    return unsupported(fmt::format("{} bytes, more than a backup keybag holds", data.size()));
  Keybag bag;
  bool in_header = true;
  bool seen_uuid = false;
  std::size_t pos = 0;
  while (pos < data.size()) {
    if (data.size() - pos < 8) return unsupported(fmt::format("truncated entry at offset {}", pos));
    const auto tag_bytes = data.subspan(pos, 4);
    const std::uint32_t length = be32(data.subspan(pos + 4, 4));
    if (!printable_tag(tag_bytes)) return unsupported(fmt::format("not a TLV stream (offset {})", pos));
    if (length > data.size() - pos - 8) {
      return unsupported(fmt::format("entry at offset {} runs past the end", pos));
    }
    const std::string tag(tag_bytes.begin(), tag_bytes.end());
    const auto value = data.subspan(pos + 8, length);
    pos += 8 + length;
    const bool is_u32 = length == 4;
    auto u32 = [&] { return is_u32 ? be32(value) : 0U; };

    if (tag == "UUID") {
      if (!seen_uuid) {
        seen_uuid = true;
        bag.uuid_.assign(value.begin(), value.end());
        continue;
      }
      // Every later UUID starts a class-key record.
      in_header = false;
      if (bag.class_keys_.size() >= kMaxClassKeys) return unsupported("too many class keys");
      bag.class_keys_.emplace_back();
      continue;
    }
    if (in_header) {
      if (tag == "VERS") bag.version_ = u32();
      if (tag == "TYPE") bag.type_ = u32();
      if (tag == "SALT") bag.salt_.assign(value.begin(), value.end());
      if (tag == "ITER") bag.iter_ = u32();
      if (tag == "DPSL") bag.dpsl_.assign(value.begin(), value.end());
      if (tag == "DPIC") bag.dpic_ = u32();
      continue;
    }
    auto& record = bag.class_keys_.back();
    if (tag == "CLAS") record.protection_class = u32();
    if (tag == "WRAP") record.wrap = u32();
    if (tag == "KTYP") record.key_type = u32();
    if (tag == "WPKY") record.wrapped_key.assign(value.begin(), value.end());
  }
  if (bag.type_ > kMaxBackupKeybagType) return unsupported(fmt::format("keybag type {}", bag.type_));
  if (bag.salt_.empty() || bag.iter_ == 0) return unsupported("no SALT/ITER (password derivation parameters)");
  if (bag.dpsl_.empty() != (bag.dpic_ == 0)) return unsupported("DPSL and DPIC must come together");
  if (bag.salt_.size() != kSaltBytes && bag.salt_.size() > 64) return unsupported("SALT of an unexpected size");
  bool any_passcode_key = false;
  for (const auto& record : bag.class_keys_) {
    if ((record.wrap & kWrapPasscode) != 0 && !record.wrapped_key.empty()) any_passcode_key = true;
  }
  if (!any_passcode_key) return unsupported("no class key wrapped with the backup password");
  return bag;
}

crypto::Key Keybag::derive_key(std::string_view password) const {
  const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(password.data()), password.size());
  std::vector<std::uint8_t> key;
  if (has_double_derivation()) {
    auto first = crypto::pbkdf2_hmac_sha256(bytes, dpsl_, dpic_);
    key = crypto::pbkdf2_hmac_sha1(first, salt_, iter_);
    crypto::wipe(first);
  } else {
    key = crypto::pbkdf2_hmac_sha1(bytes, salt_, iter_);
  }
  crypto::Key out(key);
  crypto::wipe(key);
  return out;
}

Result<ClassKeys> Keybag::unlock(const crypto::Key& backup_key) const {
  ClassKeys keys;
  for (const auto& record : class_keys_) {
    if ((record.wrap & kWrapPasscode) == 0 || record.wrapped_key.empty()) continue;
    auto key = crypto::aes_unwrap(backup_key, record.wrapped_key);
    if (!key) {
      if (key.error().code == ErrorCode::kWrongPassword) {
        return unexpected(ErrorCode::kWrongPassword,
                          "wrong password or key: the backup keybag does not unlock with it (key unwrap integrity "
                          "check failed)");
      }
      return unsupported(fmt::format("class {} key: {}", record.protection_class, key.error().message));
    }
    keys.keys_.insert_or_assign(record.protection_class, std::move(*key));
  }
  return keys;
}

}  // namespace lumiere::sources
