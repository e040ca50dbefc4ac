// Result<T>: the error channel at I/O boundaries. Its API mirrors std::expected (GCC 12 has no <expected>
// in C++20), so that moving to std::expected later is a rename.
#pragma once

#include <cassert>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace lumiere {

enum class ErrorCode {
  kNotFound,         // the artifact or file is not there
  kIo,               // it is there but could not be read
  kParse,            // it was read but is not what it claims to be
  kCorrupt,          // a database or archive that is damaged
  kUnsupported,      // a schema, version or kind we do not handle (yet)
  kEncrypted,        // the evidence is encrypted and no key was given
  kWrongPassword,    // a key or password was given and does not open the evidence
  kInvalidArgument,  // the user asked for something impossible
  kLimitExceeded,    // a hostile-input limit (size, depth, count) was hit
  kNetwork,          // an explicitly requested network operation failed
  kInternal,         // a bug
};

const char* to_string(ErrorCode code) noexcept;

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string path;  // the file concerned, relative to the evidence where possible; may be empty

  // "path: message" (or just the message), for logs and warnings.
  [[nodiscard]] std::string describe() const;
};

template <class E>
class Unexpected {
 public:
  explicit Unexpected(E error) : error_(std::move(error)) {}
  [[nodiscard]] const E& error() const& { return error_; }
  [[nodiscard]] E&& error() && { return std::move(error_); }

 private:
  E error_;
};

inline Unexpected<Error> unexpected(Error error) {
  return Unexpected<Error>(std::move(error));
}
inline Unexpected<Error> unexpected(ErrorCode code, std::string message, std::string path = {}) {
  return Unexpected<Error>(Error{code, std::move(message), std::move(path)});
}

class BadResultAccess : public std::logic_error {
 public:
  explicit BadResultAccess(const Error& error) : std::logic_error("bad Result access: " + error.describe()) {}
};

template <class T>
class [[nodiscard]] Result {
 public:
  using value_type = T;

  Result(const T& value) : data_(value) {}                              // NOLINT(google-explicit-constructor)
  Result(T&& value) : data_(std::move(value)) {}                        // NOLINT(google-explicit-constructor)
  Result(Unexpected<Error> error) : data_(std::move(error).error()) {}  // NOLINT(google-explicit-constructor)
  // Unlike std::expected, an Error converts implicitly: forwarding another Result's error stays short.
  Result(Error error) : data_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  template <class U>
  requires(std::is_constructible_v<T, U> && !std::is_same_v<std::remove_cvref_t<U>, T> &&
           !std::is_same_v<std::remove_cvref_t<U>, Unexpected<Error>> &&
           !std::is_same_v<std::remove_cvref_t<U>, Error> && !std::is_same_v<std::remove_cvref_t<U>, Result>)
      // The constraint excludes Result itself, so copies and moves still use the implicit constructors.
      // NOLINTNEXTLINE(google-explicit-constructor,bugprone-forwarding-reference-overload)
      Result(U&& value)
      : data_(T(std::forward<U>(value))) {}

  [[nodiscard]] bool has_value() const noexcept { return data_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  [[nodiscard]] T& value() & {
    check();
    return std::get<0>(data_);
  }
  [[nodiscard]] const T& value() const& {
    check();
    return std::get<0>(data_);
  }
  [[nodiscard]] T&& value() && {
    check();
    return std::move(std::get<0>(data_));
  }
  [[nodiscard]] const Error& error() const& {
    assert(!has_value());
    return std::get<1>(data_);
  }
  [[nodiscard]] Error&& error() && {
    assert(!has_value());
    return std::move(std::get<1>(data_));
  }
  template <class U>
  [[nodiscard]] T value_or(U&& fallback) const& {
    return has_value() ? std::get<0>(data_) : static_cast<T>(std::forward<U>(fallback));
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  void check() const {
    if (!has_value()) throw BadResultAccess(std::get<1>(data_));
  }
  std::variant<T, Error> data_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Unexpected<Error> error) : error_(std::move(error).error()) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : error_(std::move(error)) {}                      // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool has_value() const noexcept { return !error_.has_value(); }
  explicit operator bool() const noexcept { return has_value(); }
  void value() const {
    if (error_) throw BadResultAccess(*error_);
  }
  [[nodiscard]] const Error& error() const& {
    assert(error_.has_value());
    return *error_;
  }

 private:
  std::optional<Error> error_;
};

}  // namespace lumiere
