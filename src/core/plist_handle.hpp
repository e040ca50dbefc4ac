// Move-only owners of libplist (2.2.0) allocations: a plist_t tree and the buffers that plist_to_bin /
// plist_to_xml hand back. libplist frees with its own functions, so a plain unique_ptr<void> would be wrong.
#pragma once

#include <plist/plist.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <utility>

namespace lumiere::plist {

// Owns one root plist_t node (and thereby its whole subtree).
class PlistHandle {
 public:
  PlistHandle() = default;
  explicit PlistHandle(plist_t node) noexcept : node_(node) {}
  ~PlistHandle() { reset(); }
  PlistHandle(const PlistHandle&) = delete;
  PlistHandle& operator=(const PlistHandle&) = delete;
  PlistHandle(PlistHandle&& other) noexcept : node_(std::exchange(other.node_, nullptr)) {}
  PlistHandle& operator=(PlistHandle&& other) noexcept {
    if (this != &other) reset(std::exchange(other.node_, nullptr));
    return *this;
  }

  [[nodiscard]] plist_t get() const noexcept { return node_; }
  // For C out-parameters (plist_from_memory(…, handle.out())); frees what was held before.
  [[nodiscard]] plist_t* out() noexcept {
    reset();
    return &node_;
  }
  // Hands ownership over, e.g. to plist_dict_set_item / plist_array_append_item which adopt the node.
  [[nodiscard]] plist_t release() noexcept { return std::exchange(node_, nullptr); }
  void reset(plist_t node = nullptr) noexcept {
    if (node_ != nullptr) plist_free(node_);
    node_ = node;
  }
  explicit operator bool() const noexcept { return node_ != nullptr; }

 private:
  plist_t node_ = nullptr;
};

// Owns a buffer from plist_to_bin (kBin) or plist_to_xml (kXml); each has its own free function.
class PlistBuffer {
 public:
  enum class Kind { kBin, kXml };

  explicit PlistBuffer(Kind kind) noexcept : kind_(kind) {}
  ~PlistBuffer() { reset(); }
  PlistBuffer(const PlistBuffer&) = delete;
  PlistBuffer& operator=(const PlistBuffer&) = delete;
  PlistBuffer(PlistBuffer&& other) noexcept
      : kind_(other.kind_), data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  PlistBuffer& operator=(PlistBuffer&& other) noexcept {
    if (this != &other) {
      reset();
      kind_ = other.kind_;
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }

  [[nodiscard]] char** data_out() noexcept {
    reset();
    return &data_;
  }
  [[nodiscard]] std::uint32_t* size_out() noexcept { return &size_; }
  [[nodiscard]] std::string_view view() const noexcept {
    return data_ == nullptr ? std::string_view() : std::string_view(data_, size_);
  }

  void reset() noexcept {
    if (data_ != nullptr) {
      if (kind_ == Kind::kBin) {
        plist_to_bin_free(data_);
      } else {
        plist_to_xml_free(data_);
      }
    }
    data_ = nullptr;
    size_ = 0;
  }

 private:
  Kind kind_;
  char* data_ = nullptr;
  std::uint32_t size_ = 0;
};

// Dictionary keys and iterators from libplist 2.2.0 are malloc'd and released with free().
struct MallocFree {
  void operator()(void* p) const noexcept { std::free(p); }  // NOLINT(cppcoreguidelines-no-malloc)
};

}  // namespace lumiere::plist
