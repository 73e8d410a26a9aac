// Router: method + path templates ("/api/v1/products/{id}", a trailing "{rest*}" matches the rest of
// the path) to handlers. Built once at start-up, then read-only: Find() is safe from any thread.
//
// Two kinds of handler:
//  - blocking (Get/Post/...): plain functions that may touch the database or hash a password. The
//    Module runs them on its worker pool, never on an I/O thread.
//  - async (AddAsync): coroutines that must not block (the gateway's proxy, /health).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "shop/async/task.hpp"
#include "shop/http/message.hpp"

namespace shop::http {

using Handler = std::function<Task<Response>(Request&)>;
using BlockingHandler = std::function<Response(Request&)>;

struct Route {
  Method method;
  std::string pattern;
  std::vector<std::string> segments;  // "{id}" = parameter, "{rest*}" = tail
  Handler async;                      // exactly one of async / blocking is set
  BlockingHandler blocking;
};

class Router {
 public:
  void Add(Method m, std::string_view pattern, BlockingHandler h);
  void AddAsync(Method m, std::string_view pattern, Handler h);

  void Get(std::string_view p, BlockingHandler h) { Add(Method::kGet, p, std::move(h)); }
  void Post(std::string_view p, BlockingHandler h) { Add(Method::kPost, p, std::move(h)); }
  void Put(std::string_view p, BlockingHandler h) { Add(Method::kPut, p, std::move(h)); }
  void Patch(std::string_view p, BlockingHandler h) { Add(Method::kPatch, p, std::move(h)); }
  void Delete(std::string_view p, BlockingHandler h) { Add(Method::kDelete, p, std::move(h)); }

  struct Found {
    const Route* route = nullptr;      // null: no route for this method
    std::vector<Method> allowed;       // when route is null but the path exists: methods for Allow
  };
  // Matches `path` for `m` (HEAD falls back to GET). On a match fills `params`.
  Found Find(Method m, std::string_view path, PathParams& params) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  void AddRoute(Route r);
  std::vector<Route> routes_;
};

// "GET, HEAD, POST" for an Allow header.
std::string AllowHeader(const std::vector<Method>& methods);

}  // namespace shop::http
