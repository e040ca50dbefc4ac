// Internal: an immutable-after-build string -> indicator index, tuned for the hot path of URL matching.
// Open addressing over 8-byte slots (a hash tag and an entry number) keeps a miss, the common case, to one
// cache-resident probe; std::unordered_map costs two dependent cache misses per lookup. Keys are hashed
// from their last byte to their first, so one right-to-left pass over a host yields the hash of every
// label suffix ("a.b.evil.com", "b.evil.com", "evil.com", "com") for the subdomain walk.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace lumiere::ioc {

class FlatIndex {
 public:
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
  static constexpr std::uint64_t kSeed = 14695981039346656037ULL;  // FNV-1a offset basis
  static constexpr std::uint64_t kPrime = 1099511628211ULL;        // FNV-1a prime

  // One reverse FNV-1a step; finish() turns the running state into the final hash.
  static constexpr std::uint64_t step(std::uint64_t state, char c) noexcept {
    return (state ^ static_cast<unsigned char>(c)) * kPrime;
  }
  static constexpr std::uint64_t finish(std::uint64_t h) noexcept {  // splitmix64 finaliser
    h ^= h >> 30U;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27U;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31U;
    return h;
  }
  static std::uint64_t hash(std::string_view key) noexcept {
    std::uint64_t state = kSeed;
    for (std::size_t i = key.size(); i > 0; --i) state = step(state, key[i - 1]);
    return finish(state);
  }

  // Adds key -> value unless the key is already present (the first value, i.e. the earliest indicator, wins).
  void insert(std::string key, std::uint32_t value) {
    const std::uint64_t h = hash(key);
    if ((keys_.size() + 1) * 2 > slots_.size()) grow();
    std::size_t i = h & mask_;
    while (slots_[i].tag != 0) {
      if (slots_[i].tag == tag(h) && keys_[slots_[i].entry] == key) return;
      i = (i + 1) & mask_;
    }
    slots_[i] = Slot{tag(h), static_cast<std::uint32_t>(keys_.size())};
    keys_.push_back(std::move(key));
    values_.push_back(value);
    hashes_.push_back(h);
  }

  [[nodiscard]] std::uint32_t find(std::string_view key) const noexcept { return find_hashed(key, hash(key)); }

  [[nodiscard]] std::uint32_t find_hashed(std::string_view key, std::uint64_t h) const noexcept {
    if (keys_.empty()) return kNone;
    std::size_t i = h & mask_;
    while (slots_[i].tag != 0) {
      if (slots_[i].tag == tag(h) && keys_[slots_[i].entry] == key) return values_[slots_[i].entry];
      i = (i + 1) & mask_;
    }
    return kNone;
  }

  [[nodiscard]] bool empty() const noexcept { return keys_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return keys_.size(); }

 private:
  struct Slot {
    std::uint32_t tag = 0;  // 0 = empty
    std::uint32_t entry = 0;
  };

  static constexpr std::uint32_t tag(std::uint64_t h) noexcept { return static_cast<std::uint32_t>(h >> 32U) | 1U; }

  void grow() {
    const std::size_t size = slots_.empty() ? 16 : slots_.size() * 2;
    slots_.assign(size, Slot{});
    mask_ = size - 1;
    for (std::uint32_t entry = 0; entry < keys_.size(); ++entry) {
      std::size_t i = hashes_[entry] & mask_;
      while (slots_[i].tag != 0) i = (i + 1) & mask_;
      slots_[i] = Slot{tag(hashes_[entry]), entry};
    }
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::vector<std::string> keys_;
  std::vector<std::uint32_t> values_;
  std::vector<std::uint64_t> hashes_;
};

}  // namespace lumiere::ioc
