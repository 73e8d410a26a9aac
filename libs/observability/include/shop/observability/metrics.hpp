// Metrics: a process-wide registry rendered as Prometheus text at GET /metrics.
// Counters and gauges are keyed by name + label set; histograms use fixed latency buckets.
// Thread-safe; the hot path takes one short mutex per update.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shop::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

void Describe(std::string_view name, std::string_view type, std::string_view help);
void Inc(std::string_view name, const Labels& labels, double by = 1);
void Set(std::string_view name, const Labels& labels, double value);
void Add(std::string_view name, const Labels& labels, double delta);  // gauges up/down
void Observe(std::string_view name, const Labels& labels, double seconds);
double Value(std::string_view name, const Labels& labels);  // tests

// The whole registry in Prometheus text exposition format 0.0.4.
std::string Render();

// The version reported by the shop_build_info gauge (the CMake project version).
std::string_view BuildVersion();

// Drops every series (families described by the library stay described). For tests.
void ResetForTesting();

// Escapes a label value for the exposition format (backslash, double quote, newline).
std::string EscapeLabelValue(std::string_view v);

// HTTP request metrics, recorded by http::Module for every request it dispatches.
void RecordRequest(std::string_view service, std::string_view method, std::string_view route, int status,
                   double seconds);

}  // namespace shop::metrics
