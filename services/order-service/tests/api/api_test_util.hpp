// Helpers for the API tests: JSON parsing of responses.
#pragma once

#include <boost/json/parse.hpp>

#include "support/harness.hpp"

namespace shop::order::testing {

inline boost::json::object JsonOf(const http::Response& r) {
  auto v = boost::json::parse(r.body);
  return v.as_object();
}

inline std::string ProblemFields(const http::Response& r) {
  auto o = JsonOf(r);
  std::string out;
  if (auto* errors = o.if_contains("errors"); errors && errors->is_array()) {
    for (const auto& e : errors->as_array()) out += std::string(e.at("field").as_string()) + ";";
  }
  return out;
}

}  // namespace shop::order::testing
