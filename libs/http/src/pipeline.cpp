// The middleware chain in front of every server's application handler (see pipeline.hpp).
#include "shop/http/pipeline.hpp"

#include <chrono>
#include <exception>

#include "shop/core/ids.hpp"
#include "shop/core/strings.hpp"
#include "shop/http/problem.hpp"
#include "shop/observability/log.hpp"
#include "shop/observability/metrics.hpp"

namespace shop::http {

namespace {

constexpr std::size_t kMaxRequestIdLength = 128;

bool IsSaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool IsLowerHex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

bool AllZero(std::string_view s) { return s.find_first_not_of('0') == std::string_view::npos; }

struct ParsedTraceparent {
  std::string trace_id;
  std::string flags;
};

// W3C Trace Context level 1: "00-<32 hex>-<16 hex>-<2 hex>", lowercase, ids not all zero.
std::optional<ParsedTraceparent> ParseTraceparent(std::string_view tp) {
  tp = Trim(tp);
  if (tp.size() != 55 || tp[2] != '-' || tp[35] != '-' || tp[52] != '-') return std::nullopt;
  const auto version = tp.substr(0, 2), trace = tp.substr(3, 32), parent = tp.substr(36, 16),
             flags = tp.substr(53, 2);
  if (version != "00") return std::nullopt;
  if (!IsLowerHex(trace) || !IsLowerHex(parent) || !IsLowerHex(flags)) return std::nullopt;
  if (AllZero(trace) || AllZero(parent)) return std::nullopt;
  return ParsedTraceparent{std::string(trace), std::string(flags)};
}

// The origin to put in Access-Control-Allow-Origin, or "" when this origin is not allowed.
// `allow_origin` is "*" or a comma-separated list of exact origins.
std::string AllowedOrigin(const CorsOptions& cors, std::string_view origin) {
  if (cors.allow_origin == "*") return "*";
  for (auto candidate : Split(cors.allow_origin, ',')) {
    if (Trim(candidate) == origin) return std::string(origin);
  }
  return {};
}

// Keeps http_requests_in_flight right even when the coroutine frame is destroyed early.
class InFlight {
 public:
  explicit InFlight(const std::string& service) : labels_{{"service", service}} {
    metrics::Add("http_requests_in_flight", labels_, 1);
  }
  ~InFlight() { metrics::Add("http_requests_in_flight", labels_, -1); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  metrics::Labels labels_;
};

Response Preflight(const CorsOptions& cors, std::string_view origin) {
  Response r = Response::NoContent();
  const auto allowed = AllowedOrigin(cors, origin);
  if (!allowed.empty()) {
    r.headers.Set("Access-Control-Allow-Origin", allowed);
    r.headers.Set("Access-Control-Allow-Methods", cors.allow_methods);
    r.headers.Set("Access-Control-Allow-Headers", cors.allow_headers);
    r.headers.Set("Access-Control-Max-Age", std::to_string(cors.max_age_s));
  }
  r.headers.Set("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
  return r;
}

void AddVaryOrigin(Headers& h) {
  const auto vary = h.Get("Vary");
  if (!vary) {
    h.Set("Vary", "Origin");
    return;
  }
  for (auto part : Split(*vary, ','))
    if (IEquals(Trim(part), "Origin") || Trim(part) == "*") return;
  h.Set("Vary", std::string(*vary) + ", Origin");
}

}  // namespace

void AssignContext(Request& req) {
  const auto id = req.headers.Get("X-Request-Id");
  req.ctx.request_id = id && IsSaneRequestId(*id) ? std::string(*id) : NewId();
  const auto tp = req.headers.Get("traceparent");
  const auto parsed = tp ? ParseTraceparent(*tp) : std::nullopt;
  if (parsed) {
    req.ctx.trace_id = parsed->trace_id;
    req.ctx.trace_flags = parsed->flags;
  } else {
    do {
      req.ctx.trace_id = RandomHex(16);
    } while (AllZero(req.ctx.trace_id));
    req.ctx.trace_flags = "01";
  }
  do {
    req.ctx.span_id = RandomHex(8);
  } while (AllZero(req.ctx.span_id));
}

Pipeline::Pipeline(PipelineOptions options, Handler app) : options_(std::move(options)), app_(std::move(app)) {}

Task<Response> Pipeline::Handle(Request& req) const {
  const auto start = std::chrono::steady_clock::now();
  InFlight in_flight(options_.service);
  AssignContext(req);

  const auto& cors = options_.cors;
  const auto origin = req.headers.Get("Origin");
  Response resp;
  if (cors.enabled && origin && req.method == Method::kOptions && req.headers.Get("Access-Control-Request-Method")) {
    resp = Preflight(cors, *origin);
  } else {
    std::exception_ptr failure;
    try {
      resp = co_await app_(req);
    } catch (...) {
      failure = std::current_exception();
    }
    if (failure) {
      std::string what = "non-standard exception";
      try {
        std::rethrow_exception(failure);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      log::Error("unhandled exception in application", {{"request_id", std::string_view(req.ctx.request_id)},
                                                         {"trace_id", std::string_view(req.ctx.trace_id)},
                                                         {"method", std::string_view(req.method_name)},
                                                         {"path", std::string_view(req.path)},
                                                         {"error", std::string_view(what)}});
      resp = Problem(500, "An unexpected error occurred. Quote the request id when reporting it.",
                     req.ctx.request_id);
    }
    if (cors.enabled && origin) {
      const auto allowed = AllowedOrigin(cors, *origin);
      if (!allowed.empty()) {
        resp.headers.Set("Access-Control-Allow-Origin", allowed);
        resp.headers.Set("Access-Control-Expose-Headers", cors.expose_headers);
      }
      AddVaryOrigin(resp.headers);
    }
  }
  resp.headers.Set("X-Request-Id", req.ctx.request_id);
  resp.headers.Set("traceparent", req.ctx.Traceparent());

  if (options_.access_log && log::Enabled(log::Level::kInfo)) {
    const std::chrono::duration<double, std::milli> ms = std::chrono::steady_clock::now() - start;
    const std::string_view method = req.method_name.empty() ? ToString(req.method) : req.method_name;
    log::Info("request", {{"method", method},
                          {"route", std::string_view(req.route)},
                          {"path", std::string_view(req.path)},
                          {"status", std::int64_t{resp.status}},
                          {"duration_ms", ms.count()},
                          {"request_id", std::string_view(req.ctx.request_id)},
                          {"trace_id", std::string_view(req.ctx.trace_id)},
                          {"remote_addr", std::string_view(req.remote_addr)}});
  }
  co_return resp;
}

}  // namespace shop::http
