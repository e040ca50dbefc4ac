#include "output/mvt_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <fstream>
#include <string_view>
#include <system_error>
#include <thread>
#include <tuple>

#include "core/json_writer.hpp"
#include "core/time.hpp"
#include "core/version.hpp"
#include "output/csv.hpp"
#include "output/timesketch.hpp"

namespace lumiere::output {

// The MVT release whose output format these files follow (info.json "mvt_version").
constexpr const char* kMvtFormatVersion = "2026.7.29";

// Not in an anonymous namespace: MvtFileWriter's module streams hold one.
namespace detail {

// One output file: written under a hidden temporary name beside it, created exclusively and never through a
// link (O_EXCL | O_NOFOLLOW: a symlink or FIFO planted in the output folder is neither followed nor waited on),
// then renamed over the final name once complete, so an interrupted run or a full disk never leaves a file
// that looks complete. Errors name the file and the system's reason.
class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path file)
      : file_(std::move(file)),
        temp_(file_.parent_path() / ("." + file_.filename().string() + ".partial-" + std::to_string(::getpid()))) {
    fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd_ < 0) error_ = std::string("cannot create: ") + std::strerror(errno);
  }
  ~AtomicFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(temp_.c_str());
  }
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  AtomicFile(AtomicFile&&) = delete;
  AtomicFile& operator=(AtomicFile&&) = delete;

  void write(std::string_view piece) {
    while (error_.empty() && !piece.empty()) {
      const ssize_t n = ::write(fd_, piece.data(), piece.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        error_ = std::string("write failed: ") + std::strerror(n < 0 ? errno : EIO);
        return;
      }
      piece.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  Result<void> commit() {
    if (error_.empty() && ::close(fd_) != 0) error_ = std::string("write failed: ") + std::strerror(errno);
    fd_ = -1;
    if (error_.empty() && ::rename(temp_.c_str(), file_.c_str()) != 0) {
      error_ = std::string("cannot rename into place: ") + std::strerror(errno);
    }
    if (!error_.empty()) return unexpected(ErrorCode::kIo, error_, file_.string());
    committed_ = true;
    return {};
  }

 private:
  std::filesystem::path file_;
  std::filesystem::path temp_;
  int fd_ = -1;
  bool committed_ = false;
  std::string error_;
};

}  // namespace detail

using detail::AtomicFile;

Result<void> write_text_file(const std::filesystem::path& file, const std::string& content) {
  AtomicFile out(file);
  out.write(content);
  return out.commit();
}

Result<void> write_text_file_streamed(const std::filesystem::path& file,
                                      const std::function<void(const TextSink&)>& produce) {
  AtomicFile out(file);
  produce([&out](std::string_view piece) { out.write(piece); });
  return out.commit();
}

Json alert_to_json(const Alert& alert) {
  Json j = Json::object();
  j["level"] = to_string(alert.level);
  j["module"] = alert.module;
  j["message"] = alert.message;
  j["event_time"] = alert.event_time;
  j["event"] = alert.event;
  if (alert.matched_indicator) {
    const auto& m = *alert.matched_indicator;
    j["matched_indicator"] =
        Json{{"value", m.value}, {"type", m.type}, {"name", m.name}, {"stix2_file_name", m.stix2_file_name}};
  } else {
    j["matched_indicator"] = nullptr;
  }
  return j;
}

std::string timeline_csv(const std::vector<ModuleRun>& runs, bool device_local_time) {
  std::string out;
  timeline_csv(runs, device_local_time, [&out](std::string_view piece) { out += piece; });
  return out;
}

void timeline_csv(const std::vector<ModuleRun>& runs, bool device_local_time, const TextSink& sink) {
  constexpr std::size_t kPieceBytes = 1U << 20U;
  std::vector<const TimelineEntry*> rows;
  for (const auto& run : runs) {
    for (const auto& entry : run.output.timeline) rows.push_back(&entry);
  }
  // MVT sorts by timestamp only; ties are broken by the other columns so the bytes are deterministic.
  std::sort(rows.begin(), rows.end(), [](const TimelineEntry* a, const TimelineEntry* b) {
    return std::tie(a->timestamp, a->module, a->event, a->data) < std::tie(b->timestamp, b->module, b->event, b->data);
  });
  std::string out;
  append_csv_row(out,
                 {device_local_time ? "Device Local Timestamp" : "UTC Timestamp", "Plugin", "Event", "Description"});
  for (const auto* row : rows) {
    append_csv_row(out, {row->timestamp, row->module, row->event, row->data});
    if (out.size() >= kPieceBytes) {
      sink(out);
      out.clear();
    }
  }
  sink(out);
}

std::string alerts_timeline_csv(const std::vector<const Alert*>& alerts) {
  std::vector<const Alert*> timed;
  for (const auto* alert : alerts) {
    if (!alert->event_time.empty()) timed.push_back(alert);
  }
  std::stable_sort(timed.begin(), timed.end(),
                   [](const Alert* a, const Alert* b) { return a->event_time < b->event_time; });
  std::string out;
  append_csv_row(out, {"Event Time", "Module", "Message", "Event"});
  for (const auto* alert : timed) {
    append_csv_row(out, {alert->event_time, alert->module, alert->message, python_repr(alert->event)});
  }
  return out;
}

void add_html_timeline_row(HtmlTimeline& timeline, const TimelineEntry& row, bool alert) {
  ++timeline.total;
  if (alert || timeline.plain < kMaxHtmlTimelineRows) timeline.rows.push_back(HtmlTimelineRow{row, alert});
  if (!alert) ++timeline.plain;
}

namespace {
constexpr std::size_t kPieceBytes = 1U << 20U;
constexpr std::size_t kCsvRunBudget = 8U << 20U;
constexpr std::size_t kJsonlRunBudget = 16U << 20U;
}  // namespace

// One module's stream: its records into `<slug>.json` as they come, its timeline rows into sorted runs.
class MvtFileWriter::Stream final : public ModuleStream {
 public:
  Stream(MvtFileWriter& writer, const ModuleDescriptor& module)
      : writer_(writer),
        slug_(module.slug),
        csv_(writer.csv_runs_, slug_, kCsvRunBudget),
        jsonl_(writer.jsonl_runs_, slug_, kJsonlRunBudget) {
    // With more than one job, the text is printed and written on a thread of its own, in the order the module
    // produced it: the module's thread goes on reading and checking (both cores busy on a large module).
    // A thread that cannot be started (no memory for its stack) leaves the writing on the module's thread.
    if (writer.background_) {
      try {
        worker_ = std::thread([this] { drain(); });
      } catch (const std::system_error&) {
        worker_ = std::thread();
      }
    }
  }
  ~Stream() override { stop(); }
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  Stream(Stream&&) = delete;
  Stream& operator=(Stream&&) = delete;

  void record(Json&& record) override { push(Item{Item::Kind::kRecord, std::move(record), {}, {}}); }

  void timeline(const TimelineEntry& row, const Json* record, std::optional<AlertLevel> level) override {
    std::string key;
    append_key_text(key, row.timestamp);
    append_key_text(key, row.module);
    append_key_text(key, row.event);
    append_key_text(key, row.data);
    push(Item{Item::Kind::kCsvRow, {}, std::move(key), level ? "1" : "0"});
    if (!writer_.timesketch_) return;
    const auto micros = timeconv::parse_iso(row.timestamp);
    if (!micros) return;  // Timesketch needs a date
    std::string jsonl_key;
    append_key_int(jsonl_key, *micros);
    append_key_text(jsonl_key, row.module);
    append_key_text(jsonl_key, row.event);
    append_key_text(jsonl_key, row.data);
    append_key_text(jsonl_key, row.timestamp);
    std::string line;
    append_timesketch_line(line, row, *micros, record, level);
    push(Item{Item::Kind::kJsonlRow, {}, std::move(jsonl_key), std::move(line)});
  }

  // The module is done: `<slug>.json` complete (when it has records), what is left of the rows spilled.
  void finish(std::size_t records) {
    stop();
    if (file_ && records > 0) {
      buffer_ += "\n]";
      file_->write(buffer_);
      if (auto ok = file_->commit(); !ok) writer_.failed(ok.error().describe());
    }
    file_.reset();
    buffer_.clear();
    buffer_.shrink_to_fit();
    csv_.close();
    jsonl_.close();
  }

 private:
  struct Item {
    enum class Kind { kRecord, kCsvRow, kJsonlRow } kind;
    Json record;
    std::string key;
    std::string payload;
  };
  static constexpr std::size_t kBatch = 64;       // items handed over at once
  static constexpr std::size_t kMaxBatches = 16;  // waiting at most: a bounded queue

  void push(Item item) {
    if (!worker_.joinable()) {
      handle(item);
      return;
    }
    batch_.push_back(std::move(item));
    if (batch_.size() >= kBatch) hand_over();
  }

  void hand_over() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return queue_.size() < kMaxBatches; });
    queue_.push_back(std::move(batch_));
    batch_.clear();
    changed_.notify_all();
  }

  void stop() {
    if (!worker_.joinable()) return;
    if (!batch_.empty()) hand_over();
    {
      const std::lock_guard lock(mutex_);
      done_ = true;
    }
    changed_.notify_all();
    worker_.join();
  }

  void drain() {
    while (true) {
      std::vector<Item> items;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return done_ || !queue_.empty(); });
        if (queue_.empty()) return;
        items = std::move(queue_.front());
        queue_.pop_front();
      }
      changed_.notify_all();
      for (auto& item : items) handle(item);
    }
  }

  void handle(Item& item) {
    switch (item.kind) {
      case Item::Kind::kRecord:
        if (!file_) {
          file_ = std::make_unique<AtomicFile>(writer_.directory_ / (slug_ + ".json"));
          buffer_ = "[\n    ";
        } else {
          buffer_ += ",\n    ";
        }
        append_json(buffer_, item.record, JsonStyle::kIndent4, 1);
        item.record = Json();
        if (buffer_.size() >= kPieceBytes) {
          file_->write(buffer_);
          buffer_.clear();
        }
        return;
      case Item::Kind::kCsvRow: csv_.add(std::move(item.key), std::move(item.payload)); return;
      case Item::Kind::kJsonlRow: jsonl_.add(std::move(item.key), std::move(item.payload)); return;
    }
  }

  MvtFileWriter& writer_;
  std::string slug_;
  std::unique_ptr<AtomicFile> file_;
  std::string buffer_;
  SortedRuns::Writer csv_;
  SortedRuns::Writer jsonl_;
  std::vector<Item> batch_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::vector<Item>> queue_;
  bool done_ = false;
  std::thread worker_;  // last: started once everything it uses exists
};

MvtFileWriter::MvtFileWriter(std::filesystem::path directory, bool timesketch, bool background)
    : directory_(std::move(directory)),
      timesketch_(timesketch),
      background_(background),
      csv_runs_(directory_, "timeline.csv"),
      jsonl_runs_(directory_, "timeline.jsonl") {}

MvtFileWriter::~MvtFileWriter() = default;

std::shared_ptr<ModuleStream> MvtFileWriter::open(const ModuleDescriptor& module) {
  auto stream = std::make_shared<Stream>(*this, module);
  const std::lock_guard lock(mutex_);
  streams_used_ = true;
  streams_[std::string(module.slug)] = stream;
  return stream;
}

void MvtFileWriter::failed(std::string message) {
  const std::lock_guard lock(mutex_);
  failures_.push_back(std::move(message));
}

void MvtFileWriter::write(const std::string& name, const std::string& content) {
  if (auto ok = write_text_file(directory_ / name, content); !ok) failed(ok.error().describe());
}

void MvtFileWriter::write_streamed(const std::string& name, const std::function<void(const TextSink&)>& produce) {
  if (auto ok = write_text_file_streamed(directory_ / name, produce); !ok) failed(ok.error().describe());
}

void MvtFileWriter::module_finished(const ModuleDescriptor& module, const ModuleOutput& output) {
  std::shared_ptr<Stream> stream;
  {
    const std::lock_guard lock(mutex_);
    if (const auto it = streams_.find(module.slug); it != streams_.end()) {
      stream = it->second;
      streams_.erase(it);
    }
  }
  if (stream) stream->finish(output.streamed_records);
  if (output.streamed_records > 0) {
    // written by the stream
  } else if (output.record_count() > 0) {
    write(std::string(module.slug) + ".json", dump_mvt_json(output.results));
  }
  if (!output.alerts.empty()) {
    Json alerts = Json::array();
    for (const auto& alert : output.alerts) alerts.push_back(alert_to_json(alert));
    write(std::string(module.slug) + "_detected.json", dump_mvt_json(alerts));
  }
}

Result<void> MvtFileWriter::finish(const std::vector<ModuleRun>& runs, const RunInfo& info) {
  if (const std::string error = csv_runs_.error(); !error.empty()) failed(error);
  if (const std::string error = jsonl_runs_.error(); !error.empty()) failed(error);
  if (!csv_runs_.empty()) {
    write_streamed("timeline.csv", [&](const TextSink& sink) {
      std::string out;
      append_csv_row(
          out, {info.device_local_time ? "Device Local Timestamp" : "UTC Timestamp", "Plugin", "Event", "Description"});
      auto ok = csv_runs_.merge([&](const SortedRow& row) {
        std::string_view key = row.key;
        TimelineEntry entry;
        entry.timestamp = next_key_text(key);
        entry.module = next_key_text(key);
        entry.event = next_key_text(key);
        entry.data = next_key_text(key);
        append_csv_row(out, {entry.timestamp, entry.module, entry.event, entry.data});
        add_html_timeline_row(html_timeline_, entry, row.payload == "1");
        if (out.size() >= kPieceBytes) {
          sink(out);
          out.clear();
        }
      });
      if (!ok) failed(ok.error().describe());
      sink(out);
    });
  }
  if (timesketch_ && streams_used_) {
    write_streamed("timeline.jsonl", [&](const TextSink& sink) {
      std::string out;
      auto ok = jsonl_runs_.merge([&](const SortedRow& row) {
        out += row.payload;
        if (out.size() >= kPieceBytes) {
          sink(out);
          out.clear();
        }
      });
      if (!ok) failed(ok.error().describe());
      sink(out);
    });
  }
  bool any_timeline = false;
  std::vector<const Alert*> alerts;
  Json urls = Json::array();
  for (const auto& run : runs) {
    any_timeline = any_timeline || !run.output.timeline.empty();
    for (const auto& alert : run.output.alerts) alerts.push_back(&alert);
    for (const auto& url : run.output.urls) {
      urls.push_back(Json{{"url", url.url},
                          {"expanded_url", url.expanded_url ? Json(*url.expanded_url) : Json(nullptr)},
                          {"timestamp", url.timestamp},
                          {"source", url.source}});
    }
  }
  if (any_timeline && csv_runs_.empty()) {
    write_streamed("timeline.csv", [&](const TextSink& sink) { timeline_csv(runs, info.device_local_time, sink); });
  }
  write("alerts_timeline.csv", alerts_timeline_csv(alerts));
  if (!alerts.empty()) {
    Json all = Json::array();
    for (const auto* alert : alerts) all.push_back(alert_to_json(*alert));
    write("alerts.json", dump_mvt_json(all));
  }
  if (!urls.empty()) write("urls.json", dump_mvt_json(urls));

  Json meta = Json::object();
  meta["target_path"] = info.target_path.empty() ? Json(nullptr) : Json(utf8_backslashreplace(info.target_path));
  meta["mvt_version"] = kMvtFormatVersion;
  meta["lumiere_version"] = kVersion;
  meta["date"] = timeconv::now_local_iso();
  Json iocs = Json::array();
  for (const auto& file : info.ioc_files) iocs.push_back(utf8_backslashreplace(file));
  meta["ioc_files"] = std::move(iocs);
  Json hashes = Json::array();
  for (const auto& h : info.hashes) {
    hashes.push_back(Json{{"file_path", utf8_backslashreplace(h.file_path)}, {"sha256", h.sha256}});
  }
  meta["hashes"] = std::move(hashes);
  if (!info.refused.empty()) {
    Json refused = Json::array();
    for (const auto& r : info.refused) {
      refused.push_back(
          Json{{"file_path", utf8_backslashreplace(r.file_path)}, {"reason", utf8_backslashreplace(r.reason)}});
    }
    meta["refused"] = std::move(refused);
  }
  write("info.json", dump_mvt_json(meta));

  if (!failures_.empty()) {
    std::string message = "some output files could not be written:";
    for (const auto& f : failures_) message += "\n  " + f;
    return unexpected(ErrorCode::kIo, message, directory_.string());
  }
  return {};
}

}  // namespace lumiere::output
