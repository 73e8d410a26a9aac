// The process-wide metrics registry. Families are kept in a std::map so /metrics output is sorted
// and stable; a series is keyed by its rendered label set ({a="x",b="y"} in the caller's order).
#include "shop/observability/metrics.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <map>
#include <mutex>

namespace shop::metrics {

namespace {

constexpr std::array<double, 14> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                             0.1,    0.25,  0.5,    1,     2.5,   5,    10};

enum class Kind { kCounter, kGauge, kHistogram };

struct Histogram {
  std::array<std::uint64_t, kBuckets.size()> buckets{};  // non-cumulative counts
  std::uint64_t count = 0;
  double sum = 0;
};

struct Family {
  Kind kind = Kind::kCounter;
  std::string help;
  std::map<std::string, double> values;         // counters and gauges
  std::map<std::string, Histogram> histograms;  // histograms
};

struct Registry {
  std::mutex mu;
  std::map<std::string, Family, std::less<>> families;
};

std::string_view KindName(Kind k) {
  switch (k) {
    case Kind::kCounter: return "counter";
    case Kind::kGauge: return "gauge";
    case Kind::kHistogram: return "histogram";
  }
  return "untyped";
}

std::string LabelKey(const Labels& labels) {
  if (labels.empty()) return {};
  std::string out = "{";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i) out.push_back(',');
    out += labels[i].first;
    out += "=\"";
    out += EscapeLabelValue(labels[i].second);
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

// A label key with one more label appended (for histogram "le").
std::string WithLe(const std::string& key, std::string_view le) {
  if (key.empty()) return fmt::format("{{le=\"{}\"}}", le);
  return fmt::format("{},le=\"{}\"}}", std::string_view(key).substr(0, key.size() - 1), le);
}

std::string FormatNumber(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

std::string EscapeHelp(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

void DescribeLocked(Registry& r, std::string_view name, Kind kind, std::string_view help) {
  auto it = r.families.find(name);
  if (it == r.families.end()) it = r.families.emplace(std::string(name), Family{}).first;
  it->second.kind = kind;
  it->second.help = std::string(help);
}

Registry& R() {
  static Registry* r = [] {
    auto* reg = new Registry();  // never destroyed: metrics may be touched from static destructors
    DescribeLocked(*reg, "shop_build_info", Kind::kGauge, "Build information of this binary.");
    reg->families["shop_build_info"].values[LabelKey({{"version", std::string(BuildVersion())}})] = 1;
    DescribeLocked(*reg, "http_requests_total", Kind::kCounter, "HTTP requests handled, by route and status.");
    DescribeLocked(*reg, "http_request_duration_seconds", Kind::kHistogram,
                   "HTTP request handling time in seconds, by route.");
    DescribeLocked(*reg, "http_requests_in_flight", Kind::kGauge, "HTTP requests currently being handled.");
    return reg;
  }();
  return *r;
}

Family& FamilyLocked(Registry& r, std::string_view name, Kind default_kind) {
  auto it = r.families.find(name);
  if (it == r.families.end()) {
    it = r.families.emplace(std::string(name), Family{}).first;
    it->second.kind = default_kind;
  }
  return it->second;
}

void Record(Histogram& h, double seconds) {
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++h.buckets[i];
      break;
    }
  }
  ++h.count;
  h.sum += seconds;
}

Kind ParseKind(std::string_view type) {
  if (type == "gauge") return Kind::kGauge;
  if (type == "histogram") return Kind::kHistogram;
  return Kind::kCounter;
}

}  // namespace

std::string EscapeLabelValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

void Describe(std::string_view name, std::string_view type, std::string_view help) {
  auto& r = R();
  std::lock_guard lock(r.mu);
  DescribeLocked(r, name, ParseKind(type), help);
}

void Inc(std::string_view name, const Labels& labels, double by) {
  auto key = LabelKey(labels);
  auto& r = R();
  std::lock_guard lock(r.mu);
  FamilyLocked(r, name, Kind::kCounter).values[std::move(key)] += by;
}

void Set(std::string_view name, const Labels& labels, double value) {
  auto key = LabelKey(labels);
  auto& r = R();
  std::lock_guard lock(r.mu);
  FamilyLocked(r, name, Kind::kGauge).values[std::move(key)] = value;
}

void Add(std::string_view name, const Labels& labels, double delta) {
  auto key = LabelKey(labels);
  auto& r = R();
  std::lock_guard lock(r.mu);
  FamilyLocked(r, name, Kind::kGauge).values[std::move(key)] += delta;
}

void Observe(std::string_view name, const Labels& labels, double seconds) {
  auto key = LabelKey(labels);
  auto& r = R();
  std::lock_guard lock(r.mu);
  Record(FamilyLocked(r, name, Kind::kHistogram).histograms[std::move(key)], seconds);
}

double Value(std::string_view name, const Labels& labels) {
  const auto key = LabelKey(labels);
  auto& r = R();
  std::lock_guard lock(r.mu);
  const auto it = r.families.find(name);
  if (it == r.families.end()) return 0;
  if (it->second.kind == Kind::kHistogram) {
    const auto h = it->second.histograms.find(key);
    return h == it->second.histograms.end() ? 0 : static_cast<double>(h->second.count);
  }
  const auto v = it->second.values.find(key);
  return v == it->second.values.end() ? 0 : v->second;
}

std::string Render() {
  auto& r = R();
  std::lock_guard lock(r.mu);
  std::string out;
  out.reserve(4096);
  for (const auto& [name, f] : r.families) {
    if (f.values.empty() && f.histograms.empty()) continue;
    if (!f.help.empty()) out += fmt::format("# HELP {} {}\n", name, EscapeHelp(f.help));
    out += fmt::format("# TYPE {} {}\n", name, KindName(f.kind));
    if (f.kind != Kind::kHistogram) {
      for (const auto& [key, v] : f.values) out += fmt::format("{}{} {}\n", name, key, FormatNumber(v));
      continue;
    }
    for (const auto& [key, h] : f.histograms) {
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += h.buckets[i];
        out += fmt::format("{}_bucket{} {}\n", name, WithLe(key, FormatNumber(kBuckets[i])), cumulative);
      }
      out += fmt::format("{}_bucket{} {}\n", name, WithLe(key, "+Inf"), h.count);
      out += fmt::format("{}_sum{} {}\n", name, key, FormatNumber(h.sum));
      out += fmt::format("{}_count{} {}\n", name, key, h.count);
    }
  }
  return out;
}

void ResetForTesting() {
  auto& r = R();
  std::lock_guard lock(r.mu);
  for (auto& [name, f] : r.families) {
    if (name == "shop_build_info") continue;
    f.values.clear();
    f.histograms.clear();
  }
}

void RecordRequest(std::string_view service, std::string_view method, std::string_view route, int status,
                   double seconds) {
  // Hot path: both series under one lock, keys built before taking it.
  const Labels base{{"service", std::string(service)}, {"method", std::string(method)}, {"route", std::string(route)}};
  auto duration_key = LabelKey(base);
  auto total_key = fmt::format("{},status=\"{}\"}}", std::string_view(duration_key).substr(0, duration_key.size() - 1),
                               status);
  auto& r = R();
  std::lock_guard lock(r.mu);
  FamilyLocked(r, "http_requests_total", Kind::kCounter).values[std::move(total_key)] += 1;
  Record(FamilyLocked(r, "http_request_duration_seconds", Kind::kHistogram).histograms[std::move(duration_key)],
         seconds);
}

}  // namespace shop::metrics
