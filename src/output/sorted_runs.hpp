// An external merge sort for output rows that do not fit in memory (timeline.csv, timeline.jsonl on a large
// backup): rows are buffered up to a budget, sorted, written as a run file inside the output folder (never a
// temporary folder: rows hold decrypted evidence), and the runs are merged at the end, then removed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace lumiere::output {

// An order-preserving key: append_key_* in sequence, compare the bytes (memcmp order is the tuple's order).
void append_key_text(std::string& key, std::string_view text);
void append_key_int(std::string& key, std::int64_t value);
// The next text of a key made by append_key_text, removed from `key`.
std::string next_key_text(std::string_view& key);

// Length-prefixed fields of a payload, read back with next_field.
void append_field(std::string& payload, std::string_view field);
std::string_view next_field(std::string_view& payload);

struct SortedRow {
  std::string key;
  std::string payload;
};

// The runs of one sorted output, filled by any number of writers (one per module, each on its own thread) and
// merged once they are all done.
class SortedRuns {
 public:
  // Runs are files named `.<name>-<writer>-<n>.run` in `directory`.
  SortedRuns(std::filesystem::path directory, std::string name);
  ~SortedRuns();
  SortedRuns(const SortedRuns&) = delete;
  SortedRuns& operator=(const SortedRuns&) = delete;
  SortedRuns(SortedRuns&&) = delete;
  SortedRuns& operator=(SortedRuns&&) = delete;

  // One writer's buffer: rows added in order; a run is spilled when the buffer exceeds its budget, and by
  // close(). `order` (a module's slug) places this writer's runs among the others' when keys are equal, so the
  // result does not depend on which thread finished first.
  class Writer {
   public:
    Writer(SortedRuns& runs, std::string order, std::size_t budget_bytes)
        : runs_(runs), order_(std::move(order)), budget_(budget_bytes) {}
    void add(std::string key, std::string payload);
    void close();  // spills what is left

   private:
    void spill();
    SortedRuns& runs_;
    std::string order_;
    std::size_t budget_;
    std::size_t bytes_ = 0;
    std::size_t spilled_ = 0;
    std::vector<SortedRow> rows_;
  };

  // Every distinct row (the first of rows with equal keys) in key order. Removes the runs.
  Result<void> merge(const std::function<void(const SortedRow&)>& out);
  [[nodiscard]] bool empty() const;
  // The first error met while spilling (a full disk), if any.
  [[nodiscard]] std::string error() const;

 private:
  struct Run {
    std::string order;
    std::size_t sequence;
    std::filesystem::path file;
  };
  void add_run(Run run);
  void fail(std::string message);
  void remove_all();

  std::filesystem::path directory_;
  std::string name_;
  mutable std::mutex mutex_;
  std::vector<Run> runs_;
  std::string error_;
};

}  // namespace lumiere::output
