#include "cli/backup_secret.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "core/crypto.hpp"
#include "sources/no_follow.hpp"

namespace lumiere::cli {
namespace {

// Drops one trailing "\n" or "\r\n" (files written by editors and `echo`); keeps every other byte.
void strip_line_end(std::string& text) {
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
}

// A secret file is a regular file of at most 4 KB: checked before anything is read, so that /dev/zero, a FIFO
// or a folder given by mistake ends in a message instead of a read that never ends.
Result<std::string> read_small_file(const std::string& file, const char* what) {
  constexpr std::size_t kMaxSecretFileBytes = 4096;
  // O_NONBLOCK: a FIFO without a writer cannot make the open wait.
  const int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    return unexpected(ErrorCode::kInvalidArgument, fmt::format("cannot read the {}: {}", what, std::strerror(errno)),
                      file);
  }
  const sources::Fd owned(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    return unexpected(ErrorCode::kInvalidArgument,
                      fmt::format("the {} is not a regular file ({}); give a file of at most {} bytes", what,
                                  S_ISDIR(st.st_mode) ? "a folder" : "a device, FIFO or socket", kMaxSecretFileBytes),
                      file);
  }
  if (static_cast<std::uint64_t>(st.st_size) > kMaxSecretFileBytes) {
    return unexpected(ErrorCode::kInvalidArgument,
                      fmt::format("the {} is too large ({} bytes, at most {})", what, st.st_size, kMaxSecretFileBytes),
                      file);
  }
  ::fcntl(fd, F_SETFL, O_RDONLY);
  std::string text(kMaxSecretFileBytes + 1, '\0');
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::read(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      crypto::wipe(text);
      return unexpected(ErrorCode::kInvalidArgument, fmt::format("cannot read the {}: {}", what, std::strerror(errno)),
                        file);
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  if (done > kMaxSecretFileBytes) {
    crypto::wipe(text);
    return unexpected(ErrorCode::kInvalidArgument, std::string("the ") + what + " is too large (it grew while read)",
                      file);
  }
  text.resize(done);
  strip_line_end(text);
  return text;
}

// Restores the terminal's echo however the prompt ends.
class EchoOff {
 public:
  EchoOff() {
    if (tcgetattr(STDIN_FILENO, &saved_) == 0) {
      termios quiet = saved_;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      active_ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
    }
  }
  ~EchoOff() {
    if (active_) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;
  EchoOff(EchoOff&&) = delete;
  EchoOff& operator=(EchoOff&&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

std::optional<std::string> prompt_password() {
  if (isatty(STDIN_FILENO) == 0) return std::nullopt;
  fmt::print(stderr, "Password of the encrypted backup (not shown): ");
  std::fflush(stderr);
  std::string password;
  {
    const EchoOff echo_off;
    std::getline(std::cin, password);
  }
  fmt::print(stderr, "\n");
  strip_line_end(password);
  if (password.empty()) return std::nullopt;
  return password;
}

}  // namespace

Result<std::optional<sources::BackupSecret>> resolve_secret(const SecretOptions& options) {
  const int given =
      (options.password ? 1 : 0) + (options.password_file.empty() ? 0 : 1) + (options.key_file.empty() ? 0 : 1);
  if (given > 1) {
    return unexpected(ErrorCode::kInvalidArgument, "give only one of -p/--password, --password-file and -k/--key-file");
  }
  if (options.password) return std::optional(sources::BackupSecret::from_password(*options.password));
  if (!options.password_file.empty()) {
    auto text = read_small_file(options.password_file, "password file");
    if (!text) return std::move(text).error();
    return std::optional(sources::BackupSecret::from_password(std::move(*text)));
  }
  if (!options.key_file.empty()) {
    auto text = read_small_file(options.key_file, "key file");
    if (!text) return std::move(text).error();
    auto key = crypto::Key::from_hex(*text);
    crypto::wipe(*text);
    if (!key) {
      return unexpected(ErrorCode::kInvalidArgument, "invalid key file: " + key.error().message, options.key_file);
    }
    return std::optional(sources::BackupSecret::from_key(std::move(*key)));
  }
  if (const char* env = std::getenv(kPasswordEnv); env != nullptr && *env != '\0') {
    return std::optional(sources::BackupSecret::from_password(env));
  }
  if (auto typed = prompt_password()) return std::optional(sources::BackupSecret::from_password(std::move(*typed)));
  return std::optional<sources::BackupSecret>{};
}

std::string encrypted_backup_hint(const std::filesystem::path& root) {
  return fmt::format(
      "{}: this backup is encrypted: give its password with -p/--password (in single quotes), --password-file FILE "
      "or the {} environment variable (or run on a terminal to be asked), or its key with -k/--key-file FILE "
      "(from `lumiere ios extract-key`)",
      root.string(), kPasswordEnv);
}

std::string unlock_error_message(const Error& error) {
  switch (error.code) {
    case ErrorCode::kWrongPassword:
      return error.message +
             ". Check the password (it is the backup password set in iTunes/Finder, not the phone's passcode); "
             "a password with $, !, quotes or spaces is safest through the prompt or --password-file";
    case ErrorCode::kUnsupported:
      return error.describe() + ". This backup's encryption format is not supported by this version of lumiere";
    default: return error.describe();
  }
}

std::optional<sources::IosBackup> open_backup_for_reading(const std::filesystem::path& path,
                                                          const SecretOptions& options) {
  auto backup = sources::IosBackup::open(path);
  if (!backup) {
    fmt::print(stderr, "lumiere: {}\n", backup.error().describe());
    return std::nullopt;
  }
  if (!backup->encrypted()) return std::move(*backup);
  auto secret = resolve_secret(options);
  if (!secret) {
    fmt::print(stderr, "lumiere: {}\n", secret.error().describe());
    return std::nullopt;
  }
  if (!*secret) {
    fmt::print(stderr, "lumiere: {}\n", encrypted_backup_hint(backup->root()));
    return std::nullopt;
  }
  if (auto ok = backup->unlock(**secret); !ok) {
    fmt::print(stderr, "lumiere: {}\n", unlock_error_message(ok.error()));
    return std::nullopt;
  }
  return std::move(*backup);
}

}  // namespace lumiere::cli
