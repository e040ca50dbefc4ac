#include "output/sorted_runs.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <queue>
#include <tuple>

namespace lumiere::output {
namespace {

constexpr std::size_t kRowOverhead = 64;  // the vector slot and the two strings' headers
constexpr std::size_t kReadBuffer = 1U << 16U;

void put_u32(std::string& out, std::size_t n) {
  const auto v = static_cast<std::uint32_t>(n);
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

// A run file, written or read through stdio buffers; created exclusively and never through a link.
class RunFile {
 public:
  RunFile(const std::filesystem::path& file, bool write) {
    const int fd = write ? ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)
                         : ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return;
    file_ = ::fdopen(fd, write ? "wb" : "rb");
    if (file_ == nullptr) {
      ::close(fd);
      return;
    }
    std::setvbuf(file_, nullptr, _IOFBF, kReadBuffer);
  }
  ~RunFile() {
    if (file_ != nullptr) std::fclose(file_);
  }
  RunFile(const RunFile&) = delete;
  RunFile& operator=(const RunFile&) = delete;
  RunFile(RunFile&&) = delete;
  RunFile& operator=(RunFile&&) = delete;

  [[nodiscard]] bool ok() const { return file_ != nullptr; }
  bool write(const std::string& bytes) { return std::fwrite(bytes.data(), 1, bytes.size(), file_) == bytes.size(); }
  bool close() {
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    return closed;
  }
  // The next row; false at the end (or on a short read: the run was written whole, so that is an error).
  bool read(SortedRow& row) { return read_string(row.key) && read_string(row.payload); }

 private:
  bool read_string(std::string& out) {
    std::uint32_t n = 0;
    if (std::fread(&n, sizeof n, 1, file_) != 1) return false;
    out.resize(n);
    return n == 0 || std::fread(out.data(), 1, n, file_) == n;
  }
  std::FILE* file_ = nullptr;
};

}  // namespace

void append_key_text(std::string& key, std::string_view text) {
  // NUL bytes escaped as 00 FF and the text ended by 00 01: a prefix sorts first, as in a tuple of strings.
  while (true) {
    const std::size_t nul = text.find('\0');
    key.append(text.substr(0, nul));
    if (nul == std::string_view::npos) break;
    key += '\0';
    key += '\xff';
    text.remove_prefix(nul + 1);
  }
  key += '\0';
  key += '\x01';
}

void append_key_int(std::string& key, std::int64_t value) {
  const std::uint64_t biased = static_cast<std::uint64_t>(value) ^ (std::uint64_t{1} << 63U);
  for (int shift = 56; shift >= 0; shift -= 8)
    key += static_cast<char>((biased >> static_cast<unsigned>(shift)) & 0xFFU);
}

std::string next_key_text(std::string_view& key) {
  std::string text;
  while (true) {
    const std::size_t nul = key.find('\0');
    text.append(key.substr(0, nul));
    if (nul == std::string_view::npos || nul + 1 >= key.size()) {
      key = {};
      break;
    }
    const bool end = key[nul + 1] == '\x01';
    key.remove_prefix(nul + 2);
    if (end) break;
    text += '\0';
  }
  return text;
}

void append_field(std::string& payload, std::string_view field) {
  put_u32(payload, field.size());
  payload.append(field);
}

std::string_view next_field(std::string_view& payload) {
  std::uint32_t n = 0;
  if (payload.size() < sizeof n) return {};
  std::memcpy(&n, payload.data(), sizeof n);
  payload.remove_prefix(sizeof n);
  const std::string_view field = payload.substr(0, n);
  payload.remove_prefix(field.size());
  return field;
}

SortedRuns::SortedRuns(std::filesystem::path directory, std::string name)
    : directory_(std::move(directory)), name_(std::move(name)) {}

SortedRuns::~SortedRuns() {
  remove_all();
}

void SortedRuns::Writer::add(std::string key, std::string payload) {
  bytes_ += key.size() + payload.size() + kRowOverhead;
  rows_.push_back(SortedRow{std::move(key), std::move(payload)});
  if (bytes_ >= budget_) spill();
}

void SortedRuns::Writer::close() {
  if (!rows_.empty()) spill();
}

void SortedRuns::Writer::spill() {
  // Stable: of rows with equal keys, the first produced stays first (and is the one merge keeps).
  std::stable_sort(rows_.begin(), rows_.end(), [](const SortedRow& a, const SortedRow& b) { return a.key < b.key; });
  const std::size_t sequence = spilled_++;
  const std::filesystem::path file =
      runs_.directory_ / fmt::format(".{}-{}-{}.run.partial-{}", runs_.name_, order_, sequence, ::getpid());
  {
    RunFile out(file, true);
    if (!out.ok()) {
      runs_.fail(fmt::format("{}: cannot create: {}", file.string(), std::strerror(errno)));
    } else {
      std::string buffer;
      bool ok = true;
      const SortedRow* last = nullptr;
      for (const auto& row : rows_) {
        if (last != nullptr && last->key == row.key) continue;
        last = &row;
        put_u32(buffer, row.key.size());
        buffer += row.key;
        put_u32(buffer, row.payload.size());
        buffer += row.payload;
        if (buffer.size() >= kReadBuffer) {
          ok = ok && out.write(buffer);
          buffer.clear();
        }
      }
      ok = ok && out.write(buffer);
      ok = out.close() && ok;
      if (!ok) runs_.fail(fmt::format("{}: write failed: {}", file.string(), std::strerror(errno)));
    }
  }
  runs_.add_run(Run{order_, sequence, file});
  rows_.clear();
  rows_.shrink_to_fit();
  bytes_ = 0;
}

void SortedRuns::add_run(Run run) {
  const std::lock_guard lock(mutex_);
  runs_.push_back(std::move(run));
}

void SortedRuns::fail(std::string message) {
  const std::lock_guard lock(mutex_);
  if (error_.empty()) error_ = std::move(message);
}

bool SortedRuns::empty() const {
  const std::lock_guard lock(mutex_);
  return runs_.empty();
}

std::string SortedRuns::error() const {
  const std::lock_guard lock(mutex_);
  return error_;
}

void SortedRuns::remove_all() {
  const std::lock_guard lock(mutex_);
  for (const auto& run : runs_) ::unlink(run.file.c_str());
  runs_.clear();
}

Result<void> SortedRuns::merge(const std::function<void(const SortedRow&)>& out) {
  std::vector<Run> runs;
  {
    const std::lock_guard lock(mutex_);
    if (!error_.empty()) return unexpected(ErrorCode::kIo, error_, directory_.string());
    runs = runs_;
  }
  // Equal keys: the run of the earlier writer (plan order), then the earlier run, comes first.
  std::sort(runs.begin(), runs.end(),
            [](const Run& a, const Run& b) { return std::tie(a.order, a.sequence) < std::tie(b.order, b.sequence); });
  std::vector<std::unique_ptr<RunFile>> files;
  std::vector<SortedRow> heads(runs.size());
  auto later = [&heads](std::size_t a, std::size_t b) {
    return heads[a].key != heads[b].key ? heads[a].key > heads[b].key : a > b;
  };
  std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> queue(later);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    files.push_back(std::make_unique<RunFile>(runs[i].file, false));
    if (!files.back()->ok()) {
      const std::string why = std::strerror(errno);
      remove_all();
      return unexpected(ErrorCode::kIo, "cannot read back a sorted run: " + why, runs[i].file.string());
    }
    if (files.back()->read(heads[i])) queue.push(i);
  }
  std::string last;
  bool any = false;
  while (!queue.empty()) {
    const std::size_t i = queue.top();
    queue.pop();
    if (!any || heads[i].key != last) {
      out(heads[i]);
      last = heads[i].key;
      any = true;
    }
    if (files[i]->read(heads[i])) queue.push(i);
  }
  files.clear();
  remove_all();
  return {};
}

}  // namespace lumiere::output
