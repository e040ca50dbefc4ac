#include "cli/decrypt.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "cli/app.hpp"
#include "cli/check.hpp"
#include "core/hash.hpp"

namespace lumiere::cli {
namespace {

namespace fs = std::filesystem;

// A file descriptor opened for a new file (O_EXCL: never overwrites), closed on scope exit.
class NewFile {
 public:
  explicit NewFile(const fs::path& path)
      : fd_(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) {
  }  // NOLINT(cppcoreguidelines-pro-type-vararg)
  ~NewFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  NewFile(const NewFile&) = delete;
  NewFile& operator=(const NewFile&) = delete;
  NewFile(NewFile&&) = delete;
  NewFile& operator=(NewFile&&) = delete;
  [[nodiscard]] bool ok() const { return fd_ >= 0; }
  [[nodiscard]] Result<void> write(std::span<const std::uint8_t> data) const {
    std::size_t done = 0;
    while (done < data.size()) {
      const ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return unexpected(ErrorCode::kIo, std::string("cannot write: ") + std::strerror(errno));
      }
      done += static_cast<std::size_t>(n);
    }
    return {};
  }
  [[nodiscard]] Result<void> close() {
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return unexpected(ErrorCode::kIo, std::string("cannot write: ") + std::strerror(errno));
    return {};
  }

 private:
  int fd_ = -1;
};

Result<void> write_new_file(const fs::path& path, std::span<const std::uint8_t> data) {
  NewFile out(path);
  if (!out.ok())
    return unexpected(ErrorCode::kIo, std::string("cannot create: ") + std::strerror(errno), path.string());
  if (auto ok = out.write(data); !ok) return unexpected(ok.error().code, ok.error().message, path.string());
  return out.close();
}

void set_mtime(const fs::path& path, std::int64_t unix_seconds) {
  std::array<timespec, 2> times{};
  times[0].tv_sec = static_cast<time_t>(unix_seconds);
  times[1].tv_sec = static_cast<time_t>(unix_seconds);
  ::utimensat(AT_FDCWD, path.c_str(), times.data(), 0);
}

struct Job {
  sources::BackupFile file;
  fs::path target;
};

// Checks where the decrypted copy may go: never into the evidence, never around it, never over anything.
std::optional<std::string> destination_problem(const fs::path& dest, const sources::IosBackup& backup,
                                               const fs::path& given) {
  std::error_code ec;
  if (is_inside(dest, backup.root()) || is_inside(dest, given)) return "the destination is inside the backup";
  if (is_inside(backup.root(), dest)) return "the destination contains the backup";
  if (fs::exists(dest, ec) && !fs::is_empty(dest, ec)) return "the destination exists and is not empty";
  return std::nullopt;
}

// Opens an encrypted backup for decrypt-backup / extract-key: every cheap check (not encrypted, incomplete,
// a bad destination) comes before the slow key derivation.
std::optional<sources::IosBackup> open_encrypted(
    const fs::path& backup_path, const SecretOptions& secret, const char* command,
    const std::function<std::optional<std::string>(const sources::IosBackup&)>& check = nullptr) {
  auto backup = sources::IosBackup::open(backup_path);
  if (!backup) {
    fmt::print(stderr, "lumiere: {}\n", backup.error().describe());
    return std::nullopt;
  }
  if (!backup->encrypted()) {
    fmt::print(stderr, "lumiere: {}: this backup is not encrypted{}: {} is only for encrypted backups ({})\n",
               backup->root().string(), backup->decrypted_copy() ? " (it is already a decrypted copy)" : "", command,
               "`lumiere ios check-backup` reads it as it is");
    return std::nullopt;
  }
  if (!backup->has_status_plist()) {
    fmt::print(stderr,
               "lumiere: {}: Status.plist is missing: this backup looks incomplete or was not copied whole "
               "(iTunes/Finder write Status.plist with every backup)\n",
               (backup->root() / "Status.plist").string());
    return std::nullopt;
  }
  if (check) {
    if (auto problem = check(*backup)) {
      fmt::print(stderr, "lumiere: {}\n", *problem);
      return std::nullopt;
    }
  }
  auto resolved = resolve_secret(secret);
  if (!resolved) {
    fmt::print(stderr, "lumiere: {}\n", resolved.error().describe());
    return std::nullopt;
  }
  if (!*resolved) {
    fmt::print(stderr, "lumiere: {}\n", encrypted_backup_hint(backup->root()));
    return std::nullopt;
  }
  if (auto ok = backup->unlock(**resolved); !ok) {
    fmt::print(stderr, "lumiere: {}\n", unlock_error_message(ok.error()));
    return std::nullopt;
  }
  return std::move(*backup);
}

}  // namespace

int decrypt_ios_backup(const fs::path& backup_path, const DecryptOptions& options) {
  if (options.destination.empty()) {
    fmt::print(stderr, "lumiere: ios decrypt-backup: -d/--destination is required\n");
    return kExitError;
  }
  const fs::path dest(options.destination);
  auto backup = open_encrypted(backup_path, options.secret, "decrypt-backup",
                               [&](const sources::IosBackup& b) -> std::optional<std::string> {
                                 if (auto problem = destination_problem(dest, b, backup_path)) {
                                   return dest.string() + ": " + *problem;
                                 }
                                 return std::nullopt;
                               });
  if (!backup) return kExitError;
  auto manifest = backup->manifest();
  if (!manifest) {
    fmt::print(stderr, "lumiere: {}\n", manifest.error().describe());
    return kExitError;
  }
  std::error_code ec;
  fs::create_directories(dest, ec);
  if (ec) {
    fmt::print(stderr, "lumiere: {}: cannot create the destination: {}\n", dest.string(), ec.message());
    return kExitError;
  }
  std::vector<fs::path> written;
  auto manifest_bytes = backup->manifest_db_bytes();
  if (!manifest_bytes) {
    fmt::print(stderr, "lumiere: {}\n", manifest_bytes.error().describe());
    return kExitError;
  }
  if (auto ok = write_new_file(dest / "Manifest.db", *manifest_bytes); !ok) {
    fmt::print(stderr, "lumiere: {}\n", ok.error().describe());
    return kExitError;
  }
  written.emplace_back("Manifest.db");

  // Every file row whose blob exists, in MVT's order; a file ID that is not 40 hex digits could name a path
  // outside the destination and is refused.
  std::vector<Job> jobs;
  std::vector<std::string> warnings;
  std::size_t missing = 0;
  auto rows = backup->query(std::nullopt, "*");
  if (!rows) {
    fmt::print(stderr, "lumiere: {}\n", rows.error().describe());
    return kExitError;
  }
  for (auto& file : *rows) {
    if (file.flags != 1) continue;
    const fs::path source = backup->blob_path(file.file_id);
    if (source.empty()) {
      warnings.push_back(
          fmt::format("{}: invalid file ID \"{}\": refused (it could name a path outside the "
                      "destination)",
                      file.provenance(), file.file_id));
      continue;
    }
    if (!fs::is_regular_file(source, ec) || fs::is_symlink(source, ec)) {
      ++missing;  // not in this (partial) backup
      continue;
    }
    fs::path target = dest / file.file_id.substr(0, 2) / file.file_id;
    jobs.push_back(Job{std::move(file), std::move(target)});
  }

  // Decryption is independent per file: every core takes the next file.
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::vector<std::string> failures;
  auto worker = [&] {
    while (true) {
      const std::size_t i = next.fetch_add(1);
      if (i >= jobs.size()) return;
      const Job& job = jobs[i];
      std::error_code dir_ec;
      fs::create_directories(job.target.parent_path(), dir_ec);
      Result<void> status;
      {
        NewFile out(job.target);
        if (!out.ok()) {
          status =
              unexpected(ErrorCode::kIo, std::string("cannot create: ") + std::strerror(errno), job.target.string());
        } else {
          status =
              backup->read_stream(job.file, [&out](std::span<const std::uint8_t> piece) { return out.write(piece); });
          if (status) status = out.close();
        }
      }
      if (!status) {
        fs::remove(job.target, dir_ec);
        const std::scoped_lock lock(mutex);
        failures.push_back(fmt::format("{} (file ID {}): {}; not decrypted", job.file.provenance(), job.file.file_id,
                                       status.error().message));
        continue;
      }
      if (auto meta = backup->file_metadata(job.file)) {
        if (const auto* modified = meta->find("LastModified")) {
          if (const auto* seconds = modified->get_if<std::int64_t>()) set_mtime(job.target, *seconds);
        }
      }
    }
  };
  const unsigned threads =
      std::max(1U, std::min<unsigned>(std::thread::hardware_concurrency(),
                                      static_cast<unsigned>(std::max<std::size_t>(jobs.size(), 1))));
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (auto& thread : pool) thread.join();

  // The root plists (Info.plist, Manifest.plist, Status.plist) are not encrypted: copied as they are.
  for (const auto& entry : fs::directory_iterator(backup->root(), ec)) {
    const auto name = entry.path().filename().string();
    if (entry.is_symlink(ec) || !entry.is_regular_file(ec) || entry.path().extension() != ".plist") continue;
    fs::copy_file(entry.path(), dest / name, fs::copy_options::none, ec);
    if (ec) {
      warnings.push_back(fmt::format("{}: cannot copy: {}", name, ec.message()));
      continue;
    }
    written.emplace_back(name);
  }

  std::sort(failures.begin(), failures.end());
  for (const auto& warning : warnings) fmt::print(stderr, "lumiere: warning: {}\n", warning);
  for (const auto& failure : failures) fmt::print(stderr, "lumiere: warning: {}\n", failure);
  fmt::print(stderr, "Decrypted {} of {} files into {}", jobs.size() - failures.size(), jobs.size(), dest.string());
  if (missing > 0) fmt::print(stderr, " ({} listed in Manifest.db are not in this backup)", missing);
  fmt::print(stderr, "\n");
  if (!failures.empty()) {
    fmt::print(stderr, "lumiere: {} file(s) could not be decrypted (see the warnings above); the rest is complete\n",
               failures.size());
  }
  if (options.hashes) {
    for (const auto& job : jobs) {
      if (fs::exists(job.target, ec)) written.push_back(fs::relative(job.target, dest, ec));
    }
    std::sort(written.begin(), written.end());
    for (const auto& rel : written) {
      auto digest = hash::sha256_file(dest / rel);
      if (digest) fmt::print("{}  {}\n", *digest, rel.generic_string());
    }
  }
  return kExitClean;
}

int extract_ios_key(const fs::path& backup_path, const SecretOptions& secret, const std::string& key_file) {
  const fs::path out(key_file);
  auto backup = open_encrypted(backup_path, secret, "extract-key",
                               [&](const sources::IosBackup& b) -> std::optional<std::string> {
                                 if (!key_file.empty() && (is_inside(out, b.root()) || is_inside(out, backup_path))) {
                                   return out.string() + ": the key file must not be inside the backup";
                                 }
                                 return std::nullopt;
                               });
  if (!backup) return kExitError;
  std::string hex = backup->backup_key()->hex();
  if (key_file.empty()) {
    fmt::print("{}\n", hex);
    crypto::wipe(hex);
    return kExitClean;
  }
  const int fd =
      ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);  // NOLINT(cppcoreguidelines-pro-type-vararg)
  const bool ok = fd >= 0 && ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size());
  if (fd >= 0) ::close(fd);
  crypto::wipe(hex);
  if (!ok) {
    fmt::print(stderr, "lumiere: {}: cannot write the key file: {}\n", out.string(), std::strerror(errno));
    return kExitError;
  }
  fmt::print(stderr, "The backup key is written to {} (64 hex digits; give it to -k/--key-file)\n", out.string());
  return kExitClean;
}

}  // namespace lumiere::cli
