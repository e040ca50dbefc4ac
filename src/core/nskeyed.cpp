// NSKeyedArchiver archives (Foundation's keyed archive format, "$archiver" = NSKeyedArchiver, "$version"
// 100000): objects live in the flat "$objects" array and refer to one another by UID; "$top" names the roots.
// Class dictionaries ("$classname", "$classes") say how to read an instance's fields.
#include "core/nskeyed.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>

namespace lumiere::plist {

namespace {

enum class Kind { kGeneric, kDictionary, kArray, kString, kData, kDate, kNull };

struct KnownClass {
  std::string_view name;
  Kind kind;
};

constexpr std::array kKnownClasses{
    KnownClass{"NSDictionary", Kind::kDictionary},
    KnownClass{"NSMutableDictionary", Kind::kDictionary},
    KnownClass{"NSArray", Kind::kArray},
    KnownClass{"NSMutableArray", Kind::kArray},
    KnownClass{"NSSet", Kind::kArray},
    KnownClass{"NSMutableSet", Kind::kArray},
    KnownClass{"NSOrderedSet", Kind::kArray},
    KnownClass{"NSMutableOrderedSet", Kind::kArray},
    KnownClass{"NSString", Kind::kString},
    KnownClass{"NSMutableString", Kind::kString},
    KnownClass{"NSData", Kind::kData},
    KnownClass{"NSMutableData", Kind::kData},
    KnownClass{"NSDate", Kind::kDate},
    KnownClass{"NSNull", Kind::kNull},
};

std::optional<Kind> kind_of(std::string_view name) {
  for (const auto& known : kKnownClasses) {
    if (known.name == name) return known.kind;
  }
  return std::nullopt;
}

// Dictionary keys become strings the way Python's json module renders non-string keys.
std::string key_text(const Value& key) {
  if (const auto* s = key.get_if<std::string>()) return *s;
  if (const auto* n = key.get_if<std::int64_t>()) return std::to_string(*n);
  if (const auto* b = key.get_if<bool>()) return *b ? "true" : "false";
  if (key.is_null()) return "null";
  if (const auto* d = key.get_if<double>()) {
    std::array<char, 32> buf{};
    const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), *d);
    return std::string(buf.data(), res.ptr);
  }
  return {};
}

struct Size {
  std::size_t nodes = 0;
  std::size_t bytes = 0;
};

// The archive's own size, to scale the expansion budget (see kMaxNodes). Parsed trees are depth-bounded.
void measure(const Value& v, Size& size) {
  ++size.nodes;
  if (const auto* s = v.get_if<std::string>()) size.bytes += s->size();
  if (const auto* b = v.get_if<Bytes>()) size.bytes += b->size();
  if (const auto* a = v.get_if<Array>()) {
    for (const auto& item : *a) measure(item, size);
  }
  if (const auto* d = v.get_if<Dict>()) {
    for (const auto& [k, item] : *d) measure(item, size);
  }
}

class Resolver {
 public:
  Resolver(const Array& objects, KeyedArchiveIssues& issues)
      : objects_(objects), on_stack_(objects.size(), false), issues_(issues) {
    Size size;
    for (const auto& object : objects) measure(object, size);
    max_nodes_ = std::clamp<std::size_t>(size.nodes * 4, kMinNodeBudget, kMaxNodes);
    max_bytes_ = std::clamp<std::size_t>(size.bytes * 64, kMinByteBudget, kMaxExpandedBytes);
  }

  // False once the expansion budget is spent; the partial result must then be discarded.
  [[nodiscard]] bool within_budget() const { return nodes_ <= max_nodes_ && bytes_ <= max_bytes_; }

  void enter(std::size_t index) { on_stack_[index] = true; }

  Value resolve(const Value& v, std::size_t depth) {
    if (depth > kMaxDepth) {
      ++issues_.depth_cuts;
      return {};
    }
    if (!charge(v)) return {};
    const auto* uid = v.get_if<Uid>();
    if (uid == nullptr) return decode(v, depth);
    if (uid->value >= objects_.size()) {
      ++issues_.dangling_references;
      return {};
    }
    const auto index = static_cast<std::size_t>(uid->value);
    // An object that (indirectly) contains itself cannot be a tree: cut it where it recurs.
    if (on_stack_[index]) {
      ++issues_.cycles;
      return {};
    }
    on_stack_[index] = true;
    Value out = decode(objects_[index], depth);
    on_stack_[index] = false;
    return out;
  }

 private:
  bool charge(const Value& v) {
    ++nodes_;
    if (const auto* s = v.get_if<std::string>()) bytes_ += s->size();
    if (const auto* b = v.get_if<Bytes>()) bytes_ += b->size();
    return within_budget();
  }

  [[nodiscard]] const Dict* class_dict(const Value& instance) const {
    const Value* ref = instance.find("$class");
    if (ref == nullptr) return nullptr;
    const auto* uid = ref->get_if<Uid>();
    if (uid == nullptr || uid->value >= objects_.size()) return nullptr;
    return objects_[static_cast<std::size_t>(uid->value)].get_if<Dict>();
  }

  static std::string_view class_name_storage(const Dict& cls) {
    for (const auto& [k, v] : cls) {
      if (k == "$classname") {
        if (const auto* s = v.get_if<std::string>()) return *s;
      }
    }
    return {};
  }

  // The first known class on the instance's class chain ($classname, then $classes) decides its shape.
  [[nodiscard]] Kind kind(const Dict& cls) const {
    for (const auto& [k, v] : cls) {
      if (k == "$classname") {
        if (const auto* s = v.get_if<std::string>()) {
          if (auto found = kind_of(*s)) return *found;
        }
      }
    }
    for (const auto& [k, v] : cls) {
      if (k != "$classes") continue;
      if (const auto* chain = v.get_if<Array>()) {
        for (const auto& entry : *chain) {
          if (const auto* s = entry.get_if<std::string>()) {
            if (auto found = kind_of(*s)) return *found;
          }
        }
      }
    }
    return Kind::kGeneric;
  }

  Value decode(const Value& obj, std::size_t depth) {
    if (const auto* s = obj.get_if<std::string>(); s != nullptr && *s == "$null") return {};
    if (const auto* items = obj.get_if<Array>()) return resolve_all(*items, depth);
    const auto* fields = obj.get_if<Dict>();
    if (fields == nullptr) return obj;
    const Dict* cls = class_dict(obj);
    if (obj.find("$class") == nullptr) {
      Dict out;
      for (const auto& [k, v] : *fields) out.emplace_back(k, resolve(v, depth + 1));
      return Value(std::move(out));
    }
    const Kind k = cls == nullptr ? Kind::kGeneric : kind(*cls);
    if (auto special = decode_known(obj, k, depth)) return std::move(*special);

    Dict out;
    for (const auto& [name, v] : *fields) {
      if (name == "$class") {
        out.emplace_back(name, Value(std::string(cls == nullptr ? std::string_view() : class_name_storage(*cls))));
      } else {
        out.emplace_back(name, resolve(v, depth + 1));
      }
    }
    return Value(std::move(out));
  }

  Value resolve_all(const Array& items, std::size_t depth) {
    Array out;
    out.reserve(items.size());
    for (const auto& item : items) out.push_back(resolve(item, depth + 1));
    return Value(std::move(out));
  }

  // Known Foundation classes; nullopt when the instance lacks the fields its class implies (a subclass
  // with its own encoding), so that it is shown field by field instead.
  std::optional<Value> decode_known(const Value& obj, Kind k, std::size_t depth) {
    switch (k) {
      case Kind::kDictionary: {
        const Value* keys = obj.find("NS.keys");
        const Value* values = obj.find("NS.objects");
        const auto* key_list = keys == nullptr ? nullptr : keys->get_if<Array>();
        const auto* value_list = values == nullptr ? nullptr : values->get_if<Array>();
        if (key_list == nullptr || value_list == nullptr) return std::nullopt;
        Dict out;
        const std::size_t n = std::min(key_list->size(), value_list->size());
        out.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
          std::string key = key_text(resolve((*key_list)[i], depth + 1));
          out.emplace_back(std::move(key), resolve((*value_list)[i], depth + 1));
        }
        return Value(std::move(out));
      }
      case Kind::kArray: {
        const Value* values = obj.find("NS.objects");
        const auto* value_list = values == nullptr ? nullptr : values->get_if<Array>();
        if (value_list == nullptr) return std::nullopt;
        return resolve_all(*value_list, depth);
      }
      case Kind::kString: {
        if (const Value* s = obj.find("NS.string")) return resolve(*s, depth + 1);
        // Some archivers store the characters as UTF-8 bytes.
        if (const Value* b = obj.find("NS.bytes")) {
          Value bytes = resolve(*b, depth + 1);
          if (const auto* raw = bytes.get_if<Bytes>()) return Value(std::string(raw->begin(), raw->end()));
          return bytes;
        }
        return std::nullopt;
      }
      case Kind::kData: {
        if (const Value* d = obj.find("NS.data")) return resolve(*d, depth + 1);
        return std::nullopt;
      }
      case Kind::kDate: {
        const Value* t = obj.find("NS.time");
        if (t == nullptr) return std::nullopt;
        if (const auto* d = t->get_if<double>()) return Value(Date{*d});
        if (const auto* n = t->get_if<std::int64_t>()) return Value(Date{static_cast<double>(*n)});
        return std::nullopt;
      }
      case Kind::kNull: return Value();
      case Kind::kGeneric: break;
    }
    return std::nullopt;
  }

  static constexpr std::size_t kMinNodeBudget = 1U << 20U;
  static constexpr std::size_t kMinByteBudget = 64U << 20U;
  const Array& objects_;
  std::vector<bool> on_stack_;
  KeyedArchiveIssues& issues_;
  std::size_t max_nodes_ = 0;
  std::size_t max_bytes_ = 0;
  std::size_t nodes_ = 0;
  std::size_t bytes_ = 0;
};

struct ArchiveParts {
  const Array* objects = nullptr;
  const Dict* top = nullptr;
};

Result<ArchiveParts> archive_parts(const Value& archive, std::string_view path) {
  const Value* objects = archive.find("$objects");
  const Value* top = archive.find("$top");
  if (objects == nullptr || top == nullptr || !objects->is<Array>() || !top->is<Dict>()) {
    return unexpected(ErrorCode::kParse, "not an NSKeyedArchiver archive ($objects/$top missing)", std::string(path));
  }
  return ArchiveParts{objects->get_if<Array>(), top->get_if<Dict>()};
}

Unexpected<Error> too_big(std::string_view path) {
  return unexpected(ErrorCode::kLimitExceeded, "keyed archive expands beyond the size limit", std::string(path));
}

}  // namespace

Result<Value> decode_keyed_archive(const Value& archive, std::string_view path) {
  KeyedArchiveIssues ignored;
  return decode_keyed_archive(archive, path, ignored);
}

Result<Value> decode_keyed_archive(const Value& archive, std::string_view path, KeyedArchiveIssues& issues) {
  auto parts = archive_parts(archive, path);
  if (!parts) return unexpected(std::move(parts).error());
  const Dict& top = *parts->top;
  if (top.empty()) return unexpected(ErrorCode::kParse, "keyed archive has an empty $top", std::string(path));
  const Value* root = archive.find("$top")->find("root");
  if (root == nullptr) root = &top.front().second;
  Resolver resolver(*parts->objects, issues);
  Value out = resolver.resolve(*root, 0);
  if (!resolver.within_budget()) return too_big(path);
  return out;
}

Result<Value> decode_mbfile(std::span<const std::uint8_t> blob, std::string_view path, KeyedArchiveIssues* issues_out) {
  auto archive = parse(blob, path);
  if (!archive) return unexpected(std::move(archive).error());
  auto parts = archive_parts(*archive, path);
  if (!parts) return unexpected(std::move(parts).error());
  const Array& objects = *parts->objects;

  // $top.root is UID 1 in every backup seen; fall back to $objects[1] if $top is odd.
  std::size_t index = 1;
  if (const Value* root = archive->find("$top")->find("root")) {
    if (const auto* uid = root->get_if<Uid>()) index = static_cast<std::size_t>(uid->value);
  }
  if (index >= objects.size() || !objects[index].is<Dict>()) {
    return unexpected(ErrorCode::kParse, "keyed archive has no MBFile object", std::string(path));
  }

  KeyedArchiveIssues issues;
  Resolver resolver(objects, issues);
  resolver.enter(index);
  Dict out;
  for (const auto& [name, v] : *objects[index].get_if<Dict>()) {
    if (name == "$class") continue;
    // Scalars (times, mode, sizes) stay as stored; references (RelativePath, Target, EncryptionKey,
    // Digest, ExtendedAttributes) are resolved to their strings, bytes and dictionaries.
    out.emplace_back(name, v.is<Uid>() ? resolver.resolve(v, 1) : v);
  }
  if (!resolver.within_budget()) return too_big(path);
  if (issues_out != nullptr) *issues_out = issues;
  return Value(std::move(out));
}

}  // namespace lumiere::plist
