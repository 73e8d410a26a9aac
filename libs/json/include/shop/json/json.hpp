// JSON at the edges: request bodies become typed values through ObjectReader, which names the field
// in every error; responses are serialised Boost.JSON values.
//
// Policy (documented in ARCHITECTURE.md): unknown fields are ignored everywhere, consistently, and
// can never set a field the endpoint does not read (no mass assignment). Wrong JSON types are 400;
// missing or out-of-range values are 422 with per-field errors.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "shop/core/error.hpp"
#include "shop/http/message.hpp"

namespace shop::json {

// Parses `body` as a JSON object. Empty or whitespace body: an empty object when `allow_empty`,
// else kBadRequest. Malformed JSON or a non-object: kBadRequest.
Result<boost::json::object> ParseObject(std::string_view body, bool allow_empty = false);

// For a request with a body: Content-Type must be application/json (or +json) -> else
// kUnsupportedMedia; then ParseObject. A body-less request with no Content-Type gives {} when
// `allow_empty` (action endpoints).
Result<boost::json::object> ParseBody(const http::Request& req, bool allow_empty = false);

class ObjectReader {
 public:
  explicit ObjectReader(const boost::json::object& obj, std::string prefix = {});

  bool Has(std::string_view key) const;
  // Strings: length counted in UTF-8 code points, within [min_len, max_len]. Leading/trailing
  // whitespace is trimmed when `trim`.
  std::optional<std::string> String(std::string_view key, bool required, std::size_t min_len, std::size_t max_len,
                                    bool trim = true);
  std::optional<std::int64_t> Int(std::string_view key, bool required, std::int64_t min, std::int64_t max);
  std::optional<bool> Bool(std::string_view key, bool required);
  const boost::json::object* Object(std::string_view key, bool required);
  const boost::json::array* Array(std::string_view key, bool required);

  // `field` is relative to this reader (the prefix is prepended). A type error makes Finish() 400.
  void AddError(std::string_view field, std::string message);
  void AddTypeError(std::string_view field, std::string_view expected);  // expected: "string", "integer"...
  std::string FieldName(std::string_view key) const;  // prefix + key, e.g. "items[2].quantity"

  // Type errors -> kBadRequest; otherwise field errors -> kInvalid; else ok.
  Result<void> Finish() const;
  // Merges a nested reader's errors into this one.
  void Absorb(const ObjectReader& nested);

 private:
  const boost::json::value* Find(std::string_view key, bool required);
  const boost::json::object& obj_;
  std::string prefix_;
  std::vector<FieldError> type_errors_;
  std::vector<FieldError> field_errors_;
};

std::string Serialize(const boost::json::value& v);
http::Response Reply(int status, const boost::json::value& v);

}  // namespace shop::json
