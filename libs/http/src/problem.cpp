// The one Errc -> HTTP status switch, and RFC 9457 problem+json bodies.
#include "shop/http/problem.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace shop::http {

namespace {

constexpr std::string_view kTypeBase = "https://ecommerce-platform.dev/problems/";
constexpr int kDefaultRetryAfterS = 1;

// A stable machine-readable slug per status: clients switch on "type", not on "title".
std::string_view Slug(int status) {
  switch (status) {
    case 400: return "bad-request";
    case 401: return "unauthenticated";
    case 403: return "forbidden";
    case 404: return "not-found";
    case 405: return "method-not-allowed";
    case 408: return "request-timeout";
    case 409: return "conflict";
    case 411: return "length-required";
    case 413: return "payload-too-large";
    case 414: return "uri-too-long";
    case 415: return "unsupported-media-type";
    case 422: return "validation-failed";
    case 428: return "precondition-required";
    case 429: return "rate-limited";
    case 431: return "headers-too-large";
    case 500: return "internal-error";
    case 501: return "not-implemented";
    case 502: return "bad-gateway";
    case 503: return "service-unavailable";
    case 504: return "gateway-timeout";
    default: return {};
  }
}

std::string TypeUri(int status) {
  const auto slug = Slug(status);
  if (slug.empty()) return "https://ecommerce-platform.dev/problems/http-" + std::to_string(status);
  return std::string(kTypeBase) + std::string(slug);
}

Response Build(int status, std::string_view detail, std::string_view request_id, const std::vector<FieldError>& fields,
               std::optional<int> retry_after_s) {
  boost::json::object body;
  body["type"] = TypeUri(status);
  body["title"] = ReasonPhrase(status);
  body["status"] = status;
  body["detail"] = detail;
  if (!request_id.empty()) {
    body["instance"] = "urn:request-id:" + std::string(request_id);
    body["request_id"] = request_id;
  }
  if (!fields.empty()) {
    boost::json::array errors;
    for (const auto& f : fields) errors.push_back(boost::json::object{{"field", f.field}, {"message", f.message}});
    body["errors"] = std::move(errors);
  }
  Response r;
  r.status = status;
  r.headers.Set("Content-Type", "application/problem+json");
  if (status == 401) r.headers.Set("WWW-Authenticate", R"(Bearer error="invalid_token")");
  // Always for 429/503 (a default when the error gave none); for any other status when the error
  // says when to retry (e.g. 409 "reservation in progress").
  if (status == 429 || status == 503 || (retry_after_s && *retry_after_s > 0)) {
    const int after = retry_after_s && *retry_after_s > 0 ? *retry_after_s : kDefaultRetryAfterS;
    r.headers.Set("Retry-After", std::to_string(after));
  }
  r.body = boost::json::serialize(body);
  return r;
}

}  // namespace

int StatusOf(Errc code) {
  switch (code) {
    case Errc::kBadRequest: return 400;
    case Errc::kInvalid: return 422;
    case Errc::kUnsupportedMedia: return 415;
    case Errc::kTooLarge: return 413;
    case Errc::kUnauthenticated: return 401;
    case Errc::kForbidden: return 403;
    case Errc::kNotFound: return 404;
    case Errc::kConflict: return 409;
    case Errc::kRateLimited: return 429;
    case Errc::kUnavailable: return 503;
    case Errc::kTimeout: return 504;
    case Errc::kBadGateway: return 502;
    case Errc::kInternal: return 500;
  }
  return 500;
}

Response Problem(const Error& e, std::string_view request_id) {
  const int status = StatusOf(e.code);
  if (status == 500) {
    // Internal text (SQL errors, invariants) stays in the logs; the client gets the id to quote.
    return Build(status, "An unexpected error occurred. Quote the request id when reporting it.", request_id, {},
                 std::nullopt);
  }
  std::string_view detail = e.detail;
  if (detail.empty()) detail = ReasonPhrase(status);
  return Build(status, detail, request_id, e.fields, e.retry_after_s);
}

Response Problem(int status, std::string_view detail, std::string_view request_id) {
  if (detail.empty()) detail = ReasonPhrase(status);
  return Build(status, detail, request_id, {}, std::nullopt);
}

}  // namespace shop::http
