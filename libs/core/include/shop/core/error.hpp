// Error and Result: how every layer below the HTTP edge reports an expected failure.
// A Result<T> holds either a T or an Error; HTTP status codes never appear here (libs/http maps
// Errc to RFC 9457 problem+json in one place). Exceptions are for bugs and third-party throws.
#pragma once

#include <boost/system/result.hpp>

#include <optional>
#include <string>
#include <vector>

namespace shop {

enum class Errc {
  kBadRequest,       // malformed input (bad JSON, wrong types, bad cursor)     -> 400
  kInvalid,          // well-formed but invalid values, with per-field errors    -> 422
  kUnsupportedMedia, // a body that is not JSON                                  -> 415
  kTooLarge,         // a body over the limit                                    -> 413
  kUnauthenticated,  // missing, invalid or expired credentials                 -> 401
  kForbidden,        // authenticated but not allowed                           -> 403
  kNotFound,         // unknown resource (also another user's private one)      -> 404
  kConflict,         // duplicate, illegal state transition, idempotency clash  -> 409
  kRateLimited,      // too many attempts; retry_after_s says when to try again -> 429
  kUnavailable,      // a dependency (database, downstream service) is down     -> 503
  kTimeout,          // a downstream call timed out                             -> 504
  kBadGateway,       // a downstream answered with something unusable           -> 502
  kInternal,         // a bug or broken invariant                               -> 500
};

struct FieldError {
  std::string field;
  std::string message;
};

struct Error {
  Errc code = Errc::kInternal;
  std::string detail;
  std::vector<FieldError> fields = {};
  std::optional<int> retry_after_s = {};

  static Error BadRequest(std::string detail) { return {Errc::kBadRequest, std::move(detail)}; }
  static Error Invalid(std::string field, std::string message) {
    return {Errc::kInvalid, field + ": " + message, {{std::move(field), std::move(message)}}};
  }
  static Error Invalid(std::vector<FieldError> fields);
  static Error Unauthenticated(std::string detail) { return {Errc::kUnauthenticated, std::move(detail)}; }
  static Error Forbidden(std::string detail) { return {Errc::kForbidden, std::move(detail)}; }
  static Error NotFound(std::string detail) { return {Errc::kNotFound, std::move(detail)}; }
  static Error Conflict(std::string detail) { return {Errc::kConflict, std::move(detail)}; }
  static Error RateLimited(std::string detail, int retry_after_s) {
    return {Errc::kRateLimited, std::move(detail), {}, retry_after_s};
  }
  static Error Unavailable(std::string detail, int retry_after_s = 1) {
    return {Errc::kUnavailable, std::move(detail), {}, retry_after_s};
  }
  static Error Internal(std::string detail) { return {Errc::kInternal, std::move(detail)}; }
};

// Lets Result<T>::value() throw when it holds an error (found by ADL from boost::system::result).
[[noreturn]] void throw_exception_from_error(const Error& e, const boost::source_location& loc);

// Thrown only by Result::value() on an error; caught at the edges (session loop, consumer loop).
class ErrorException : public std::exception {
 public:
  explicit ErrorException(Error e) : error_(std::move(e)) {}
  const char* what() const noexcept override { return error_.detail.c_str(); }
  const Error& error() const { return error_; }

 private:
  Error error_;
};

template <class T>
using Result = boost::system::result<T, Error>;

// Ok() for Result<void> returns, e.g. `return Ok();`.
inline Result<void> Ok() { return {}; }

std::string_view ToString(Errc code);

}  // namespace shop
