#include "framework/module.hpp"

#include <algorithm>

#include "sources/source.hpp"

namespace lumiere {

const char* to_string(SourceKind kind) noexcept {
  switch (kind) {
    case SourceKind::kIosBackup: return "iOS backup";
    case SourceKind::kIosFilesystem: return "iOS filesystem dump";
    case SourceKind::kIosSysdiagnose: return "iOS sysdiagnose";
    case SourceKind::kAndroidBugreport: return "Android bugreport";
    case SourceKind::kAndroidQf: return "androidqf acquisition";
    case SourceKind::kAndroidBackup: return "Android backup";
  }
  return "unknown";
}

const char* to_string(ModuleStatus status) noexcept {
  switch (status) {
    case ModuleStatus::kNotRun: return "not run";
    case ModuleStatus::kRan: return "ran";
    case ModuleStatus::kMissing: return "artifact missing";
    case ModuleStatus::kUnsupported: return "unsupported format";
    case ModuleStatus::kCorrupt: return "corrupt artifact";
    case ModuleStatus::kFailed: return "failed";
  }
  return "unknown";
}

bool ModuleDescriptor::applies_to(SourceKind kind) const {
  return std::find(sources.begin(), sources.end(), kind) != sources.end();
}

std::size_t ModuleOutput::record_count() const {
  if (streamed_records > 0) return streamed_records;
  if (results.is_array() || results.is_object()) return results.size();
  return 0;
}

std::optional<Json> ModuleOutput::record(std::size_t index) const {
  if (results.is_array() && index < results.size()) return results[index];
  return std::nullopt;
}

ModuleContext::ModuleContext(const ModuleDescriptor& descriptor, ModuleOutput& output, Logger& logger,
                             const ioc::IndicatorSet* indicators, const RunOptions& options)
    : descriptor_(descriptor), output_(output), logger_(logger), indicators_(indicators), options_(options) {}

std::string ModuleContext::logger_name() const {
  return "lumiere." + std::string(descriptor_.id);
}

const sources::IosBackup* ModuleContext::ios_backup() const {
  return source_ != nullptr ? source_->ios_backup() : nullptr;
}

const Json* ModuleContext::results_of(std::string_view slug) const {
  return lookup_ ? lookup_(slug) : nullptr;
}

namespace {
LogLevel alert_log_level(AlertLevel level) {
  switch (level) {
    case AlertLevel::kInformational: return LogLevel::kAlertInfo;
    case AlertLevel::kLow: return LogLevel::kAlertLow;
    case AlertLevel::kMedium: return LogLevel::kAlertMedium;
    case AlertLevel::kHigh: return LogLevel::kAlertHigh;
    case AlertLevel::kCritical: return LogLevel::kAlertCritical;
  }
  return LogLevel::kAlertInfo;
}
}  // namespace

void ModuleContext::alert(AlertLevel level, std::string message, std::string event_time, Json event,
                          std::string provenance, const ioc::Match* match) {
  logger_.log(alert_log_level(level), logger_name(), message);
  Alert alert;
  alert.level = level;
  alert.module = std::string(descriptor_.slug);
  alert.message = std::move(message);
  alert.event_time = std::move(event_time);
  alert.event = std::move(event);
  alert.provenance = std::move(provenance);
  alert.record = record_index_;
  if (output_.stream != nullptr && record_index_) {
    const auto [it, inserted] = record_levels_.emplace(*record_index_, level);
    if (!inserted && level > it->second) it->second = level;
  }
  if (match != nullptr && match->indicator != nullptr) {
    const auto& ioc = *match->indicator;
    alert.matched_indicator =
        MatchedIndicator{ioc.value, ioc::mvt_type_name(ioc.kind), ioc.collection, ioc.stix2_file_name};
  }
  output_.alerts.push_back(std::move(alert));
}

void ModuleContext::alert(AlertLevel level, const ioc::Match& match, std::string event_time, Json event,
                          std::string provenance) {
  alert(level, match.message, std::move(event_time), std::move(event), std::move(provenance), &match);
}

void ModuleContext::timeline(std::string timestamp, std::string event, std::string data) {
  TimelineEntry entry{std::move(timestamp), std::string(descriptor_.mvt_class), std::move(event), std::move(data),
                      record_index_};
  if (output_.stream == nullptr) {
    output_.timeline.push_back(std::move(entry));
    return;
  }
  std::optional<AlertLevel> level;
  if (record_index_) {
    if (const auto it = record_levels_.find(*record_index_); it != record_levels_.end()) level = it->second;
  }
  output_.stream->timeline(entry, record_fields_, level);
}

void ModuleContext::warn(WarningKind kind, std::string path, std::string message) {
  logger_.warning(logger_name(), path.empty() ? message : path + ": " + message);
  output_.warnings.push_back(Warning{kind, std::string(descriptor_.slug), std::move(path), std::move(message)});
}

void ModuleContext::url(UrlRecord record) {
  output_.urls.push_back(std::move(record));
}

}  // namespace lumiere
