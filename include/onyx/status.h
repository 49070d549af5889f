// Error values for every Onyx call: Status (a code and a message) and Result<T>
// (a T or a Status). No exception crosses a layer boundary.
#pragma once

#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace onyx {

/// What went wrong, in terms a caller can act on. The numeric values are stable:
/// surfaces map them to HTTP statuses and exit codes (docs/cli.md, docs/api.md).
enum class StatusCode : std::uint8_t {
  kOk = 0,
  kInvalidArgument = 1,     ///< The caller's input is wrong (HTTP 400, exit 2).
  kNotFound = 2,            ///< The thing named does not exist (HTTP 404, exit 3).
  kAlreadyExists = 3,       ///< Creating something that exists (HTTP 409).
  kFailedPrecondition = 4,  ///< The system is not in a state that allows the call.
  kCorruption = 5,          ///< Stored bytes are not what they should be (HTTP 500).
  kIOError = 6,             ///< The operating system or RocksDB failed an I/O (HTTP 500).
  kResourceExhausted = 7,   ///< A limit was hit (HTTP 429/413).
  kDeadlineExceeded = 8,    ///< A time limit was hit (partial result or HTTP 504).
  kAborted = 9,             ///< A concurrent writer got in the way; retrying may work.
  kInternal = 10,           ///< A bug in Onyx.
};

/// Returns the stable lower-case name of `code`, e.g. "invalid_argument".
std::string_view StatusCodeName(StatusCode code);

/// A code and a message that names the thing and the problem. Cheap to return when
/// ok (no allocation). In builds with ONYX_ASSERT_STATUS_CHECKED (debug, asan) a
/// Status that is destroyed without anyone having looked at it aborts the process,
/// so an ignored error is a test failure rather than silent data loss.
class [[nodiscard]] Status {
 public:
  Status() = default;
  ~Status() {
#ifdef ONYX_ASSERT_STATUS_CHECKED
    if (!checked_) AbortUnchecked();
#endif
  }

  Status(const Status& other) : code_(other.code_), message_(other.message_) {
    other.MarkChecked();
  }
  Status(Status&& other) noexcept : code_(other.code_), message_(std::move(other.message_)) {
    other.MarkChecked();
  }
  Status& operator=(const Status& other) {
    if (this != &other) {
      code_ = other.code_;
      message_ = other.message_;
      other.MarkChecked();
      MarkUnchecked();
    }
    return *this;
  }
  Status& operator=(Status&& other) noexcept {
    if (this != &other) {
      code_ = other.code_;
      message_ = std::move(other.message_);
      other.MarkChecked();
      MarkUnchecked();
    }
    return *this;
  }

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return {StatusCode::kInvalidArgument, std::move(msg)};
  }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) {
    return {StatusCode::kAlreadyExists, std::move(msg)};
  }
  static Status FailedPrecondition(std::string msg) {
    return {StatusCode::kFailedPrecondition, std::move(msg)};
  }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status IOError(std::string msg) { return {StatusCode::kIOError, std::move(msg)}; }
  static Status ResourceExhausted(std::string msg) {
    return {StatusCode::kResourceExhausted, std::move(msg)};
  }
  static Status DeadlineExceeded(std::string msg) {
    return {StatusCode::kDeadlineExceeded, std::move(msg)};
  }
  static Status Aborted(std::string msg) { return {StatusCode::kAborted, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const {
    MarkChecked();
    return code_ == StatusCode::kOk;
  }
  StatusCode code() const {
    MarkChecked();
    return code_;
  }
  const std::string& message() const {
    MarkChecked();
    return message_;
  }
  bool IsNotFound() const { return code() == StatusCode::kNotFound; }
  bool IsInvalidArgument() const { return code() == StatusCode::kInvalidArgument; }
  bool IsCorruption() const { return code() == StatusCode::kCorruption; }

  /// "ok", or "<code name>: <message>".
  std::string ToString() const;

  /// Returns a copy whose message is "<context>: <message>"; ok stays ok.
  Status WithContext(std::string_view context) const;

  /// Declares that the caller deliberately drops this status.
  void IgnoreError() const { MarkChecked(); }

  friend bool operator==(const Status& a, const Status& b) {
    return a.code() == b.code() && a.message() == b.message();
  }

 private:
  Status(StatusCode code, std::string msg) : code_(code), message_(std::move(msg)) {}

#ifdef ONYX_ASSERT_STATUS_CHECKED
  void MarkChecked() const { checked_ = true; }
  void MarkUnchecked() { checked_ = false; }
  [[noreturn]] void AbortUnchecked() const;
  mutable bool checked_ = false;
#else
  void MarkChecked() const {}
  void MarkUnchecked() {}
#endif

  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

/// Either a value of type T or a non-ok Status. Constructing a Result from an ok
/// Status is a programming error (it becomes kInternal).
template <typename T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::decay_t<T>, Status>, "Result<Status> is meaningless");

 public:
  // A Result that holds a value has nothing to report, so its inner ok Status
  // counts as read; a Result that holds an error must still be looked at.
  Result(const T& value) : value_(value) { status_.IgnoreError(); }        // NOLINT
  Result(T&& value) : value_(std::move(value)) { status_.IgnoreError(); }  // NOLINT
  Result(Status status) : status_(std::move(status)) {                     // NOLINT
    if (status_.ok()) status_ = Status::Internal("Result constructed from an ok Status");
  }
  template <typename U,
            typename = std::enable_if_t<
                std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, Status> &&
                !std::is_same_v<std::decay_t<U>, Result<T>> && !std::is_same_v<std::decay_t<U>, T>>>
  Result(U&& value) : value_(std::forward<U>(value)) {  // NOLINT
    status_.IgnoreError();
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const& { return status_; }
  Status status() && { return std::move(status_); }

  /// Requires ok().
  T& value() & {
    assert(value_.has_value());
    return *value_;
  }
  const T& value() const& {
    assert(value_.has_value());
    return *value_;
  }
  T&& value() && {
    assert(value_.has_value());
    return std::move(*value_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  /// The value, or `fallback` when this holds an error (the error counts as read).
  T value_or(T fallback) const& { return ok() ? *value_ : std::move(fallback); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace onyx

#define ONYX_STATUS_CONCAT_INNER_(a, b) a##b
#define ONYX_STATUS_CONCAT_(a, b) ONYX_STATUS_CONCAT_INNER_(a, b)

/// Returns from the enclosing function with the Status of `expr` when it is not ok.
#define ONYX_RETURN_IF_ERROR(expr)               \
  do {                                           \
    ::onyx::Status onyx_status_ = (expr);        \
    if (!onyx_status_.ok()) return onyx_status_; \
  } while (false)

/// Evaluates `rexpr` (a Result<T>); on error returns its Status, else assigns the
/// value to `lhs` (which may be a declaration such as `auto x`).
#define ONYX_ASSIGN_OR_RETURN(lhs, rexpr) \
  ONYX_ASSIGN_OR_RETURN_IMPL_(ONYX_STATUS_CONCAT_(onyx_result_, __LINE__), lhs, rexpr)
#define ONYX_ASSIGN_OR_RETURN_IMPL_(result, lhs, rexpr) \
  auto result = (rexpr);                                \
  if (!result.ok()) return std::move(result).status();  \
  lhs = std::move(result).value()
