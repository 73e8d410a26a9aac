#include "shop/core/error.hpp"

namespace shop {

Error Error::Invalid(std::vector<FieldError> fields) {
  std::string detail;
  for (const auto& f : fields) {
    if (!detail.empty()) detail += "; ";
    detail += f.field + ": " + f.message;
  }
  return {Errc::kInvalid, std::move(detail), std::move(fields)};
}

void throw_exception_from_error(const Error& e, const boost::source_location&) { throw ErrorException(e); }

std::string_view ToString(Errc code) {
  switch (code) {
    case Errc::kBadRequest: return "bad_request";
    case Errc::kInvalid: return "invalid";
    case Errc::kUnsupportedMedia: return "unsupported_media_type";
    case Errc::kTooLarge: return "too_large";
    case Errc::kUnauthenticated: return "unauthenticated";
    case Errc::kForbidden: return "forbidden";
    case Errc::kNotFound: return "not_found";
    case Errc::kConflict: return "conflict";
    case Errc::kRateLimited: return "rate_limited";
    case Errc::kUnavailable: return "unavailable";
    case Errc::kTimeout: return "timeout";
    case Errc::kBadGateway: return "bad_gateway";
    case Errc::kInternal: return "internal";
  }
  return "internal";
}

}  // namespace shop
