// The backup keybag of an encrypted iTunes/Finder backup (Manifest.plist `BackupKeyBag`): a TLV stream of
// 4-byte ASCII tags and 4-byte big-endian lengths. Header tags (VERS, TYPE, UUID, WRAP, SALT, ITER, DPWT, DPIC,
// DPSL) come first; every later UUID starts a class-key record (CLAS, WRAP, KTYP, WPKY). Spec §6.2.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string_view>
#include <vector>

#include "core/crypto.hpp"
#include "core/result.hpp"

namespace lumiere::sources {

struct WrappedClassKey {
  std::uint32_t protection_class = 0;
  std::uint32_t wrap = 0;  // 1: device UID key (cannot be unlocked off the device), 2: passcode key
  std::uint32_t key_type = 0;
  std::vector<std::uint8_t> wrapped_key;  // WPKY, 40 bytes
};

// The unwrapped class keys, by protection class. Wiped when destroyed (crypto::Key).
class ClassKeys {
 public:
  [[nodiscard]] bool has(std::uint32_t protection_class) const { return keys_.contains(protection_class); }
  [[nodiscard]] std::size_t size() const { return keys_.size(); }
  // The key wrapped (RFC 3394) with this protection class's key: a per-file key or the ManifestKey.
  // kNotFound for a class the keybag has no key for; kCorrupt when the integrity check fails.
  [[nodiscard]] Result<crypto::Key> unwrap(std::uint32_t protection_class, std::span<const std::uint8_t> wrapped) const;

 private:
  friend class Keybag;
  std::map<std::uint32_t, crypto::Key> keys_;
};

class Keybag {
 public:
  static constexpr std::size_t kMaxBytes = std::size_t{64} * 1024;
  static constexpr std::size_t kMaxClassKeys = 64;

  // kUnsupported "unsupported keybag: ..." for anything that is not a backup keybag we can derive keys for.
  static Result<Keybag> parse(std::span<const std::uint8_t> data);

  // The 32-byte backup key of a password: with DPSL/DPIC (iOS >= 10.2) PBKDF2-HMAC-SHA256(password, DPSL, DPIC)
  // then PBKDF2-HMAC-SHA1(that, SALT, ITER); without them (older backups) PBKDF2-HMAC-SHA1(password, SALT, ITER).
  [[nodiscard]] crypto::Key derive_key(std::string_view password) const;
  // Unwraps every passcode-wrapped class key: kWrongPassword when the key does not pass the RFC 3394
  // integrity check.
  [[nodiscard]] Result<ClassKeys> unlock(const crypto::Key& backup_key) const;

  [[nodiscard]] std::uint32_t version() const { return version_; }
  [[nodiscard]] std::uint32_t type() const { return type_; }
  [[nodiscard]] bool has_double_derivation() const { return !dpsl_.empty(); }
  [[nodiscard]] std::uint32_t iterations() const { return iter_; }
  [[nodiscard]] std::uint32_t double_protection_iterations() const { return dpic_; }
  [[nodiscard]] const std::vector<WrappedClassKey>& class_keys() const { return class_keys_; }

 private:
  std::uint32_t version_ = 0;
  std::uint32_t type_ = 0;
  std::vector<std::uint8_t> uuid_;
  std::vector<std::uint8_t> salt_;
  std::uint32_t iter_ = 0;
  std::vector<std::uint8_t> dpsl_;
  std::uint32_t dpic_ = 0;
  std::vector<WrappedClassKey> class_keys_;
};

}  // namespace lumiere::sources
