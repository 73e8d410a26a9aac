// Request/Response helpers: method names, case-insensitive headers, query decoding.
#include "shop/http/message.hpp"

#include "shop/core/strings.hpp"

namespace shop::http {

namespace {

struct MethodName {
  Method method;
  std::string_view name;
};

constexpr MethodName kMethods[] = {
    {Method::kGet, "GET"},     {Method::kHead, "HEAD"},     {Method::kPost, "POST"},
    {Method::kPut, "PUT"},     {Method::kPatch, "PATCH"},   {Method::kDelete, "DELETE"},
    {Method::kOptions, "OPTIONS"},
};

}  // namespace

Method ParseMethod(std::string_view name) {
  // Method names are case-sensitive (RFC 9110 9.1): "get" is not GET.
  for (const auto& m : kMethods)
    if (m.name == name) return m.method;
  return Method::kUnknown;
}

std::string_view ToString(Method m) {
  for (const auto& entry : kMethods)
    if (entry.method == m) return entry.name;
  return "UNKNOWN";
}

std::optional<std::string_view> Headers::Get(std::string_view name) const {
  for (const auto& [k, v] : items_)
    if (IEquals(k, name)) return std::string_view(v);
  return std::nullopt;
}

std::size_t Headers::Count(std::string_view name) const {
  std::size_t n = 0;
  for (const auto& item : items_)
    if (IEquals(item.first, name)) ++n;
  return n;
}

void Headers::Set(std::string_view name, std::string value) {
  Remove(name);
  items_.emplace_back(std::string(name), std::move(value));
}

void Headers::Add(std::string name, std::string value) { items_.emplace_back(std::move(name), std::move(value)); }

void Headers::Remove(std::string_view name) {
  std::erase_if(items_, [&](const Item& item) { return IEquals(item.first, name); });
}

std::string RequestContext::Traceparent() const { return "00-" + trace_id + "-" + span_id + "-" + trace_flags; }

std::string_view Request::Param(std::string_view name) const {
  for (const auto& [k, v] : params)
    if (k == name) return v;
  return {};
}

std::optional<std::string> Request::QueryParam(std::string_view name) const {
  if (query.empty()) return std::nullopt;
  for (auto pair : Split(query, '&')) {
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const auto raw_key = pair.substr(0, eq);
    const auto raw_value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    const auto key = UrlDecode(raw_key);
    if (!key || *key != name) continue;
    // A malformed escape makes the value unusable; report it as absent rather than half-decoded.
    auto value = UrlDecode(raw_value);
    if (!value) return std::nullopt;
    return value;
  }
  return std::nullopt;
}

void Request::SetTarget(std::string t) {
  target = std::move(t);
  const auto q = target.find('?');
  if (q == std::string::npos) {
    path = target;
    query.clear();
  } else {
    path = target.substr(0, q);
    query = target.substr(q + 1);
  }
  // A fragment never reaches a server, but drop one defensively.
  if (const auto h = query.find('#'); h != std::string::npos) query.resize(h);
  if (const auto h = path.find('#'); h != std::string::npos) path.resize(h);
}

Response Response::Json(int status, std::string body) {
  Response r;
  r.status = status;
  r.headers.Set("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

Response Response::Text(int status, std::string body, std::string_view content_type) {
  Response r;
  r.status = status;
  r.headers.Set("Content-Type", std::string(content_type));
  r.body = std::move(body);
  return r;
}

Response Response::NoContent() {
  Response r;
  r.status = 204;
  return r;
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: break;
  }
  if (status >= 200 && status < 300) return "Success";
  if (status >= 400 && status < 500) return "Client Error";
  if (status >= 500 && status < 600) return "Server Error";
  return "Unknown";
}

}  // namespace shop::http
