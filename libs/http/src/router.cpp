// Template matching: segments compared one by one; the most specific match wins (a literal segment
// beats "{param}", which beats "{rest*}"), so registration order does not matter.
#include "shop/http/router.hpp"

#include <algorithm>
#include <stdexcept>

#include "shop/core/strings.hpp"

namespace shop::http {

namespace {

bool IsParam(std::string_view seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }
bool IsTail(std::string_view seg) { return IsParam(seg) && seg[seg.size() - 2] == '*'; }
std::string_view ParamName(std::string_view seg) {
  return IsTail(seg) ? seg.substr(1, seg.size() - 3) : seg.substr(1, seg.size() - 2);
}

// Percent-decodes a path segment ('+' stays '+' in a path). Malformed escapes are kept verbatim.
std::string DecodeSegment(std::string_view s) {
  if (s.find('%') == std::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size());
  auto hex = [](char h) -> int {
    if (h >= '0' && h <= '9') return h - '0';
    if (h >= 'a' && h <= 'f') return h - 'a' + 10;
    if (h >= 'A' && h <= 'F') return h - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

// Rank of a match: one entry per pattern segment (0 literal, 1 param, 2 tail); lower is better.
using Rank = std::vector<int>;

bool Match(const Route& r, const std::vector<std::string_view>& parts, PathParams* params, Rank* rank) {
  const auto& segs = r.segments;
  std::size_t i = 0;
  for (; i < segs.size(); ++i) {
    const std::string_view seg = segs[i];
    if (IsTail(seg)) {
      if (params) {
        std::string rest;
        for (std::size_t j = i; j < parts.size(); ++j) {
          if (j > i) rest.push_back('/');
          rest.append(parts[j]);
        }
        params->emplace_back(std::string(ParamName(seg)), std::move(rest));
      }
      if (rank) rank->push_back(2);
      return true;
    }
    if (i >= parts.size()) return false;
    if (IsParam(seg)) {
      if (parts[i].empty()) return false;
      if (params) params->emplace_back(std::string(ParamName(seg)), DecodeSegment(parts[i]));
      if (rank) rank->push_back(1);
    } else {
      if (seg != parts[i]) return false;
      if (rank) rank->push_back(0);
    }
  }
  return i == parts.size();
}

std::vector<std::string> SplitPattern(std::string_view pattern) {
  if (pattern.empty() || pattern.front() != '/')
    throw std::invalid_argument("route pattern must start with '/': " + std::string(pattern));
  std::vector<std::string> segs;
  for (auto s : Split(pattern.substr(1), '/')) segs.emplace_back(s);
  for (std::size_t i = 0; i < segs.size(); ++i) {
    if (IsTail(segs[i]) && i + 1 != segs.size())
      throw std::invalid_argument("{name*} must be the last segment: " + std::string(pattern));
  }
  return segs;
}

}  // namespace

void Router::Add(Method m, std::string_view pattern, BlockingHandler h) {
  Route r{m, std::string(pattern), SplitPattern(pattern), {}, std::move(h)};
  AddRoute(std::move(r));
}

void Router::AddAsync(Method m, std::string_view pattern, Handler h) {
  Route r{m, std::string(pattern), SplitPattern(pattern), std::move(h), {}};
  AddRoute(std::move(r));
}

void Router::AddRoute(Route r) {
  for (const auto& existing : routes_) {
    if (existing.method == r.method && existing.pattern == r.pattern)
      throw std::invalid_argument("duplicate route: " + std::string(ToString(r.method)) + " " + r.pattern);
  }
  routes_.push_back(std::move(r));
}

Router::Found Router::Find(Method m, std::string_view path, PathParams& params) const {
  Found found;
  if (path.empty() || path.front() != '/') return found;
  const auto parts = Split(path.substr(1), '/');

  auto best_for = [&](Method wanted) -> const Route* {
    const Route* best = nullptr;
    Rank best_rank;
    for (const auto& r : routes_) {
      if (r.method != wanted) continue;
      Rank rank;
      if (!Match(r, parts, nullptr, &rank)) continue;
      if (!best || rank < best_rank) {
        best = &r;
        best_rank = std::move(rank);
      }
    }
    return best;
  };

  const Route* route = best_for(m);
  if (!route && m == Method::kHead) route = best_for(Method::kGet);
  if (route) {
    params.clear();
    Match(*route, parts, &params, nullptr);
    found.route = route;
    return found;
  }
  for (const auto& r : routes_) {
    if (!Match(r, parts, nullptr, nullptr)) continue;
    if (std::find(found.allowed.begin(), found.allowed.end(), r.method) == found.allowed.end())
      found.allowed.push_back(r.method);
    if (r.method == Method::kGet &&
        std::find(found.allowed.begin(), found.allowed.end(), Method::kHead) == found.allowed.end())
      found.allowed.push_back(Method::kHead);
  }
  std::sort(found.allowed.begin(), found.allowed.end());
  return found;
}

std::string AllowHeader(const std::vector<Method>& methods) {
  std::string out;
  for (auto m : methods) {
    if (!out.empty()) out += ", ";
    out += ToString(m);
  }
  return out;
}

}  // namespace shop::http
