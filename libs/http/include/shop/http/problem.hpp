// RFC 9457 problem+json: the one place where an Error becomes an HTTP status.
//   kBadRequest 400, kInvalid 422 (with "errors": [{field, message}]), kUnauthenticated 401 (with
//   WWW-Authenticate: Bearer error="invalid_token"), kForbidden 403, kNotFound 404, kConflict 409,
//   kRateLimited 429 (Retry-After), kUnavailable 503 (Retry-After), kTimeout 504, kBadGateway 502,
//   kInternal 500 (generic detail: internal text never reaches a client).
#pragma once

#include "shop/core/error.hpp"
#include "shop/http/message.hpp"

namespace shop::http {

int StatusOf(Errc code);

// The problem response for an error. `instance` (usually the request id) goes in "instance".
Response Problem(const Error& e, std::string_view request_id = {});

// A problem for protocol-level failures (400/405/408/413/415/431/500...) with a fixed detail.
Response Problem(int status, std::string_view detail, std::string_view request_id = {});

}  // namespace shop::http
