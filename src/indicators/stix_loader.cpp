#include "indicators/stix_loader.hpp"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/ascii.hpp"
#include "core/log.hpp"
#include "indicators/indicator_set_impl.hpp"
#include "indicators/stix_pattern.hpp"
#include "indicators/url.hpp"

namespace lumiere::ioc {
namespace {

constexpr std::size_t kMaxJsonDepth = 256;
constexpr std::size_t kMaxProblemLines = 100;  // per file; the rest is summarised in one line
constexpr std::string_view kDefaultCollectionId = "0";
constexpr std::string_view kDefaultCollectionName = "Default collection";
constexpr std::string_view kDefaultCollectionDescription = "Collection with IOCs unrelated to malware or reports";

struct RawObject {
  std::string type;
  std::string id;
  std::string name;
  std::string description;
  std::string pattern;
  std::string pattern_type;
  std::string source_ref;
  std::string target_ref;
  std::vector<std::string> object_refs;
  bool has_pattern = false;
};

// Streams the JSON once and keeps only the fields the loader reads, which is several times faster than
// building a DOM of a multi-megabyte bundle and bounds memory on hostile input.
class StixSaxHandler final : public nlohmann::json_sax<nlohmann::json> {
 public:
  std::vector<RawObject> objects;
  bool saw_objects_list = false;
  bool too_deep = false;
  std::optional<std::size_t> error_byte;
  std::string error_message;

  bool null() override { return true; }
  bool boolean(bool /*value*/) override { return true; }
  bool number_integer(number_integer_t /*value*/) override { return true; }
  bool number_unsigned(number_unsigned_t /*value*/) override { return true; }
  bool number_float(number_float_t /*value*/, const string_t& /*text*/) override { return true; }
  bool binary(binary_t& /*value*/) override { return true; }

  bool string(string_t& value) override {
    if (stack_.empty()) return true;
    if (stack_.back() == Frame::kRefsArray) {
      current_.object_refs.push_back(std::move(value));
    } else if (stack_.back() == Frame::kStixObject) {
      assign_field(std::move(value));
    }
    return true;
  }

  bool start_object(std::size_t /*size*/) override {
    if (stack_.empty()) {
      stack_.push_back(Frame::kRootObject);
    } else if (stack_.back() == Frame::kObjectsArray || stack_.back() == Frame::kRootArray) {
      stack_.push_back(Frame::kStixObject);
      current_ = RawObject{};
    } else {
      stack_.push_back(Frame::kIgnore);
    }
    return check_depth();
  }

  bool key(string_t& value) override {
    if (!stack_.empty() && (stack_.back() == Frame::kRootObject || stack_.back() == Frame::kStixObject)) {
      key_ = std::move(value);
    }
    return true;
  }

  bool end_object() override {
    if (!stack_.empty()) {
      const Frame frame = stack_.back();
      stack_.pop_back();
      if (frame == Frame::kStixObject) finish_object();
    }
    return true;
  }

  bool start_array(std::size_t /*size*/) override {
    if (stack_.empty()) {
      stack_.push_back(Frame::kRootArray);
      saw_objects_list = true;
    } else if (stack_.back() == Frame::kRootObject && key_ == "objects") {
      stack_.push_back(Frame::kObjectsArray);
      saw_objects_list = true;
    } else if (stack_.back() == Frame::kStixObject && key_ == "object_refs") {
      stack_.push_back(Frame::kRefsArray);
    } else {
      stack_.push_back(Frame::kIgnore);
    }
    return check_depth();
  }

  bool end_array() override {
    if (!stack_.empty()) stack_.pop_back();
    return true;
  }

  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& ex) override {
    error_byte = position;
    error_message = ex.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..." -> keep the text
    // after the bracketed id; the position is reported separately, computed from the byte offset.
    if (const auto close = error_message.find("] "); close != std::string::npos) error_message.erase(0, close + 2);
    if (const auto colon = error_message.find(": ");
        colon != std::string::npos && error_message.starts_with("parse error at ")) {
      error_message.erase(0, colon + 2);
    }
    return false;
  }

 private:
  enum class Frame : std::uint8_t { kRootObject, kRootArray, kObjectsArray, kStixObject, kRefsArray, kIgnore };

  bool check_depth() {
    if (stack_.size() > kMaxJsonDepth) {
      too_deep = true;
      return false;
    }
    return true;
  }

  void assign_field(std::string value) {
    if (key_ == "type") {
      current_.type = std::move(value);
    } else if (key_ == "id") {
      current_.id = std::move(value);
    } else if (key_ == "name") {
      current_.name = std::move(value);
    } else if (key_ == "description") {
      current_.description = std::move(value);
    } else if (key_ == "pattern") {
      current_.pattern = std::move(value);
      current_.has_pattern = true;
    } else if (key_ == "pattern_type") {
      current_.pattern_type = std::move(value);
    } else if (key_ == "source_ref") {
      current_.source_ref = std::move(value);
    } else if (key_ == "target_ref") {
      current_.target_ref = std::move(value);
    }
  }

  void finish_object() {
    const std::string& type = current_.type;
    if (type == "indicator" || type == "malware" || type == "report" || type == "relationship") {
      if (type != "report") current_.object_refs.clear();
      if (type != "indicator") current_.pattern.clear();
      objects.push_back(std::move(current_));
    }
    current_ = RawObject{};
  }

  std::vector<Frame> stack_;
  std::string key_;
  RawObject current_;
};

std::optional<Kind> kind_for_key(std::string_view key) {
  static const std::unordered_map<std::string_view, Kind> kKinds = {
      {"domain-name:value", Kind::kDomain},
      {"ipv4-addr:value", Kind::kIpv4},
      {"ipv6-addr:value", Kind::kIpv6},
      {"url:value", Kind::kUrl},
      {"process:name", Kind::kProcess},
      {"email-addr:value", Kind::kEmail},
      {"file:name", Kind::kFileName},
      {"file:path", Kind::kFilePath},
      {"file:hashes.md5", Kind::kFileMd5},
      {"file:hashes.sha1", Kind::kFileSha1},
      {"file:hashes.sha256", Kind::kFileSha256},
      {"app:cert.md5", Kind::kAppCertHash},
      {"app:cert.sha1", Kind::kAppCertHash},
      {"app:cert.sha256", Kind::kAppCertHash},
      {"app:id", Kind::kAppId},
      {"configuration-profile:id", Kind::kProfileId},
      {"android-property:name", Kind::kAndroidProperty},
  };
  const auto it = kKinds.find(key);
  if (it == kKinds.end()) return std::nullopt;
  return it->second;
}

std::pair<std::size_t, std::size_t> line_and_column(std::string_view text, std::size_t byte) {
  byte = std::min(byte, text.size());
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < byte; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, byte - line_start + 1};
}

class ProblemLog {
 public:
  explicit ProblemLog(std::vector<std::string>& out) : out_(out) {}
  void add(const std::string& problem) {
    if (out_.size() < kMaxProblemLines) {
      // A problem quotes the indicator's id and value, which the IOC file's author chose: cut them.
      out_.push_back(cut_for_log(problem, kMaxQuotedBytes + kMaxQuotedBytes));
    } else {
      ++suppressed_;
    }
  }
  void finish() {
    if (suppressed_ > 0) out_.push_back("... and " + std::to_string(suppressed_) + " more problems");
  }

 private:
  std::vector<std::string>& out_;
  std::size_t suppressed_ = 0;
};

const char* operator_text(stix::Op op) {
  switch (op) {
    case stix::Op::kEqual: return "=";
    case stix::Op::kNotEqual: return "!=";
    case stix::Op::kGreater: return ">";
    case stix::Op::kLess: return "<";
    case stix::Op::kGreaterEqual: return ">=";
    case stix::Op::kLessEqual: return "<=";
    case stix::Op::kIn: return "IN";
    case stix::Op::kLike: return "LIKE";
    case stix::Op::kMatches: return "MATCHES";
    case stix::Op::kIsSubset: return "ISSUBSET";
    case stix::Op::kIsSuperset: return "ISSUPERSET";
  }
  return "?";
}

// Builds collections and indicators from the streamed objects (spec §4.1).
void assemble(std::vector<RawObject>& objects, const std::string& path, ParsedFile& out) {
  const std::string file_name = std::filesystem::path(path).filename().string();
  FileReport& report = out.report;
  ProblemLog problems(report.problems);
  std::map<std::string, std::size_t> unsupported;

  std::unordered_map<std::string_view, std::uint32_t> malware_ids;
  std::unordered_map<std::string_view, std::uint32_t> indicator_collection;

  const auto new_collection = [&](const RawObject& object) {
    Collection collection;
    collection.id = object.id;
    collection.name = object.name;
    collection.description = object.description;
    collection.stix2_file_name = file_name;
    collection.stix2_file_path = path;
    out.collections.push_back(std::move(collection));
    return static_cast<std::uint32_t>(out.collections.size() - 1);
  };
  for (const RawObject& object : objects) {
    if (object.type == "malware") malware_ids.emplace(object.id, new_collection(object));
  }
  for (const RawObject& object : objects) {
    if (object.type != "report") continue;
    const std::uint32_t index = new_collection(object);
    for (const std::string& ref : object.object_refs) indicator_collection.emplace(ref, index);
  }
  // Relationship direction matters (indicator -> malware); relationship_type is not checked, as in MVT.
  // A relationship whose indicator does not exist is simply never looked up.
  for (const RawObject& object : objects) {
    if (object.type != "relationship") continue;
    const auto malware = malware_ids.find(object.target_ref);
    if (malware != malware_ids.end()) indicator_collection.emplace(object.source_ref, malware->second);
  }
  const auto default_index = static_cast<std::uint32_t>(out.collections.size());
  bool default_used = false;

  struct Pending {
    std::uint32_t collection;
    Indicator indicator;
  };
  std::vector<Pending> pending;
  std::vector<std::unordered_set<std::string>> seen(out.collections.size() + 1);

  for (const RawObject& object : objects) {
    if (object.type != "indicator") continue;
    const std::string& id = object.id.empty() ? std::string("(indicator without id)") : object.id;
    if (!object.has_pattern) {
      ++report.invalid_patterns;
      problems.add("indicator " + id + ": no pattern");
      continue;
    }
    if (!object.pattern_type.empty() && object.pattern_type != "stix") {
      ++report.unsupported;
      ++unsupported["pattern_type " + object.pattern_type];
      continue;
    }
    auto parsed = stix::parse_pattern(object.pattern);
    if (!parsed) {
      ++report.invalid_patterns;
      problems.add("indicator " + id + ": " + parsed.error().message);
      continue;
    }
    std::uint32_t collection = default_index;
    if (const auto it = indicator_collection.find(object.id); it != indicator_collection.end()) {
      collection = it->second;
    }
    for (const auto& alternative : parsed->alternatives) {
      if (alternative.size() > 1) {
        if (report.compound_and == 0) {
          problems.add("indicator " + id + ": compound (AND) pattern skipped; such patterns are not supported");
        }
        ++report.compound_and;
        continue;
      }
      const stix::Comparison& comparison = alternative.front();
      const std::string key = stix::normalised_key(comparison);
      const auto kind = kind_for_key(key);
      if (!kind) {
        ++report.unsupported;
        ++unsupported[key];
        continue;
      }
      if (comparison.op != stix::Op::kEqual || comparison.negated || !comparison.string_value) {
        ++report.unsupported;
        ++unsupported[key + (comparison.negated ? " NOT " : " ") + operator_text(comparison.op)];
        continue;
      }
      const std::string_view raw = ascii_trim(comparison.value);
      if (raw.empty()) {
        ++report.invalid_patterns;
        problems.add("indicator " + id + ": empty value");
        continue;
      }
      std::string problem;
      std::string value = normalise_indicator_value(*kind, raw, &problem);
      if (!problem.empty()) problems.add("indicator " + id + ": " + problem);
      auto& per_kind = report.per_kind;
      const auto slot = std::find_if(per_kind.begin(), per_kind.end(), [&](const auto& p) { return p.first == *kind; });
      if (slot == per_kind.end()) {
        per_kind.emplace_back(*kind, 1);
      } else {
        ++slot->second;
      }
      std::string dedup_key(1, static_cast<char>('A' + static_cast<int>(*kind)));
      dedup_key += value;
      if (!seen[collection].insert(std::move(dedup_key)).second) {
        ++report.duplicates;
        continue;
      }
      if (collection == default_index) default_used = true;
      Indicator indicator;
      indicator.value = std::move(value);
      indicator.kind = *kind;
      pending.push_back(Pending{collection, std::move(indicator)});
    }
  }

  if (default_used) {
    Collection fallback;
    fallback.id = kDefaultCollectionId;
    fallback.name = kDefaultCollectionName;
    fallback.description = kDefaultCollectionDescription;
    fallback.stix2_file_name = file_name;
    fallback.stix2_file_path = path;
    out.collections.push_back(std::move(fallback));
  }
  // Matching returns the first hit in collection order, so indicators are stored collection by collection.
  std::stable_sort(pending.begin(), pending.end(),
                   [](const Pending& a, const Pending& b) { return a.collection < b.collection; });
  out.indicators.reserve(pending.size());
  for (Pending& item : pending) {
    Collection& collection = out.collections[item.collection];
    ++collection.count;
    item.indicator.collection = collection.name;
    item.indicator.stix2_file_name = file_name;
    item.indicator.stix2_file_path = path;
    out.indicators.push_back(std::move(item.indicator));
  }
  report.indicators = out.indicators.size();
  std::sort(report.per_kind.begin(), report.per_kind.end());
  report.unsupported_by_kind.assign(unsupported.begin(), unsupported.end());
  problems.finish();
}

}  // namespace

std::string normalise_indicator_value(Kind kind, std::string_view value, std::string* problem) {
  switch (kind) {
    case Kind::kDomain: {
      std::string lowered = ascii_lowercase(value);
      if (lowered.find_first_of("/\\?#@ ") != std::string::npos) {
        if (problem) *problem = "domain indicator \"" + lowered + "\" is not a host name; it can never match";
        return lowered;
      }
      if (auto host = normalise_host(lowered)) return std::move(host->name);
      if (problem) *problem = "domain indicator \"" + lowered + "\" is not a valid host name; it can never match";
      return lowered;
    }
    case Kind::kIpv4:
    case Kind::kIpv6: {
      const auto host = normalise_host(value);
      const HostType expected = kind == Kind::kIpv4 ? HostType::kIpv4 : HostType::kIpv6;
      if (host && host->type == expected) return host->name;
      if (problem) *problem = "\"" + std::string(value) + "\" is not a valid IP address; it can never match";
      return std::string(value);
    }
    case Kind::kEmail: return ascii_lowercase(value);
    case Kind::kFilePath: {
      std::string path(value);
      while (path.size() > 1 && path.back() == '/') path.pop_back();
      return path;
    }
    default: return std::string(value);
  }
}

ParsedFile parse_stix2_text(std::string_view json_text, const std::string& path) {
  ParsedFile out;
  out.report.path = path;
  StixSaxHandler handler;
  const bool ok = nlohmann::json::sax_parse(json_text.begin(), json_text.end(), &handler,
                                            nlohmann::json::input_format_t::json, /*strict=*/true);
  if (!ok || handler.too_deep) {
    if (handler.too_deep) {
      out.report.error = Error{ErrorCode::kLimitExceeded,
                               "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels", path};
    } else {
      const std::size_t byte = handler.error_byte.value_or(0);
      // nlohmann reports the count of bytes read, i.e. one past the offending byte.
      const std::size_t offset = byte > 0 ? byte - 1 : 0;
      const auto [line, column] = line_and_column(json_text, offset);
      out.report.error = Error{ErrorCode::kParse,
                               "invalid JSON at line " + std::to_string(line) + ", column " + std::to_string(column) +
                                   " (byte " + std::to_string(offset) + "): " + handler.error_message,
                               path};
    }
    return out;
  }
  if (!handler.saw_objects_list) {
    out.report.error =
        Error{ErrorCode::kParse, "not a STIX2 bundle: no \"objects\" list and not a list of objects", path};
    return out;
  }
  assemble(handler.objects, path, out);
  return out;
}

ParsedFile parse_stix2_file(const std::filesystem::path& path) {
  const std::string display = path.string();
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    ParsedFile out;
    out.report.path = display;
    out.report.error = Error{std::filesystem::exists(path) ? ErrorCode::kIo : ErrorCode::kNotFound,
                             "cannot read STIX2 file: " + ec.message(), display};
    return out;
  }
  if (size > kMaxStixFileSize) {
    ParsedFile out;
    out.report.path = display;
    out.report.error = Error{ErrorCode::kLimitExceeded, "STIX2 file larger than 512 MiB", display};
    return out;
  }
  std::ifstream in(path, std::ios::binary);
  std::string text(static_cast<std::size_t>(size), '\0');
  if (!in || !in.read(text.data(), static_cast<std::streamsize>(text.size()))) {
    ParsedFile out;
    out.report.path = display;
    out.report.error = Error{ErrorCode::kIo, "cannot read STIX2 file", display};
    return out;
  }
  return parse_stix2_text(text, display);
}

IndicatorSet load_stix2_files(const std::vector<std::filesystem::path>& files) {
  // Files are parsed in parallel (they are independent) and merged in the given order, so the result does
  // not depend on scheduling.
  std::vector<ParsedFile> parsed(files.size());
  const std::size_t workers =
      std::min<std::size_t>({files.size(), std::max(1U, std::thread::hardware_concurrency()), 4});
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i = next++; i < files.size(); i = next++) parsed[i] = parse_stix2_file(files[i]);
  };
  if (workers <= 1) {
    work();
  } else {
    std::vector<std::jthread> threads;
    threads.reserve(workers - 1);
    for (std::size_t i = 1; i < workers; ++i) threads.emplace_back(work);
    work();
  }
  return build_indicator_set(std::move(parsed));
}

IndicatorSet build_indicator_set(std::vector<ParsedFile> files) {
  IndicatorSetBuilder builder;
  for (ParsedFile& file : files) builder.add(std::move(file));
  return std::move(builder).build();
}

}  // namespace lumiere::ioc
