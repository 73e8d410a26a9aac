// Request and Response: plain HTTP messages, independent of Boost.Beast (only libs/http_server and
// libs/http_client see Beast). A Request is owned by the session that read it; handlers receive it
// by reference while the session awaits them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shop::http {

enum class Method : std::uint8_t { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kUnknown };

Method ParseMethod(std::string_view name);
std::string_view ToString(Method m);

// Header fields in arrival order; look-ups are case-insensitive.
class Headers {
 public:
  using Item = std::pair<std::string, std::string>;

  std::optional<std::string_view> Get(std::string_view name) const;
  std::size_t Count(std::string_view name) const;
  void Set(std::string_view name, std::string value);  // replaces every field of that name
  void Add(std::string name, std::string value);
  void Remove(std::string_view name);

  std::vector<Item>::const_iterator begin() const { return items_.begin(); }
  std::vector<Item>::const_iterator end() const { return items_.end(); }
  std::size_t size() const { return items_.size(); }

 private:
  std::vector<Item> items_;
};

// What the middleware learned about a request; passed on to every outgoing call.
struct RequestContext {
  std::string request_id;   // X-Request-Id, echoed or generated
  std::string trace_id;     // W3C trace id (32 hex)
  std::string span_id;      // this hop's span id (16 hex)
  std::string trace_flags = "01";
  std::string Traceparent() const;  // "00-<trace_id>-<span_id>-<flags>"
};

using PathParams = std::vector<std::pair<std::string, std::string>>;

struct Request {
  Method method = Method::kGet;
  std::string method_name;  // as sent
  std::string target;       // path[?query] as sent
  std::string path;
  std::string query;        // without '?'
  Headers headers;
  std::string body;
  std::string remote_addr;  // client IP as the server saw it
  RequestContext ctx;
  PathParams params;        // filled by the Router
  std::string route;        // matched route template ("/api/v1/products/{id}"), for logs and metrics

  // Path parameter by name ("" when absent).
  std::string_view Param(std::string_view name) const;
  // First query parameter with that name, percent-decoded. nullopt if absent.
  std::optional<std::string> QueryParam(std::string_view name) const;
  std::optional<std::string_view> Header(std::string_view name) const { return headers.Get(name); }
  // Sets path and query from target.
  void SetTarget(std::string t);
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;

  static Response Json(int status, std::string body);
  static Response Text(int status, std::string body, std::string_view content_type = "text/plain; charset=utf-8");
  static Response NoContent();
};

// Reason phrase for a status code ("Not Found").
std::string_view ReasonPhrase(int status);

}  // namespace shop::http
