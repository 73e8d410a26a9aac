// Request-body parsing and field-by-field reading with named errors (see json.hpp for the policy).
#include "shop/json/json.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <limits>

#include "shop/core/strings.hpp"

namespace shop::json {

namespace {

// Code points in `s`, or nullopt when `s` is not valid UTF-8 (overlongs and surrogates rejected).
std::optional<std::size_t> Utf8Length(std::string_view s) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) { n = 1; cp = c; }
    else if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; }
    else return std::nullopt;
    if (i + n > s.size()) return std::nullopt;
    for (std::size_t k = 1; k < n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)) return std::nullopt;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    i += n;
    ++count;
  }
  return count;
}

bool IsJsonMediaType(std::string_view content_type) {
  const auto semi = content_type.find(';');
  const auto media = ToLower(Trim(content_type.substr(0, semi)));
  if (media == "application/json") return true;
  const auto slash = media.find('/');
  return slash != std::string::npos && media.size() > 5 && media.ends_with("+json");
}

std::string Article(std::string_view noun) {
  if (!noun.empty() && std::string_view("aeiou").find(noun.front()) != std::string_view::npos)
    return "an " + std::string(noun);
  return "a " + std::string(noun);
}

std::string Join(const std::vector<FieldError>& errors) {
  std::string out;
  for (const auto& e : errors) {
    if (!out.empty()) out += "; ";
    out += e.field + ": " + e.message;
  }
  return out;
}

}  // namespace

Result<boost::json::object> ParseObject(std::string_view body, bool allow_empty) {
  if (Trim(body).empty()) {
    if (allow_empty) return boost::json::object{};
    return Error::BadRequest("the request body must be a JSON object");
  }
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec) return Error::BadRequest("the request body is not valid JSON");
  if (!value.is_object()) return Error::BadRequest("the request body must be a JSON object");
  return std::move(value.as_object());
}

Result<boost::json::object> ParseBody(const http::Request& req, bool allow_empty) {
  const auto content_type = req.headers.Get("Content-Type");
  const bool has_body = !req.body.empty();
  if (!has_body && !content_type) {
    if (allow_empty) return boost::json::object{};
    return Error::BadRequest("the request body must be a JSON object");
  }
  if (!content_type || !IsJsonMediaType(*content_type))
    return Error{Errc::kUnsupportedMedia, "the request body must be application/json"};
  return ParseObject(req.body, allow_empty);
}

ObjectReader::ObjectReader(const boost::json::object& obj, std::string prefix) : obj_(obj), prefix_(std::move(prefix)) {}

bool ObjectReader::Has(std::string_view key) const {
  const auto* v = obj_.if_contains(key);
  return v && !v->is_null();
}

const boost::json::value* ObjectReader::Find(std::string_view key, bool required) {
  const auto* v = obj_.if_contains(key);
  if (!v || v->is_null()) {
    if (required) AddError(key, "is required");
    return nullptr;
  }
  return v;
}

std::optional<std::string> ObjectReader::String(std::string_view key, bool required, std::size_t min_len,
                                                std::size_t max_len, bool trim) {
  const auto* v = Find(key, required);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    AddTypeError(key, "string");
    return std::nullopt;
  }
  std::string_view s = v->get_string();
  if (trim) s = Trim(s);
  const auto len = Utf8Length(s);
  if (!len) {
    AddError(key, "must be valid UTF-8");
    return std::nullopt;
  }
  if (*len < min_len) {
    AddError(key, min_len == 1 ? std::string("must not be empty")
                               : "must be at least " + std::to_string(min_len) + " characters");
    return std::nullopt;
  }
  if (*len > max_len) {
    AddError(key, "must be at most " + std::to_string(max_len) + " characters");
    return std::nullopt;
  }
  return std::string(s);
}

std::optional<std::int64_t> ObjectReader::Int(std::string_view key, bool required, std::int64_t min,
                                              std::int64_t max) {
  const auto* v = Find(key, required);
  if (!v) return std::nullopt;
  std::int64_t n = 0;
  if (v->is_int64()) {
    n = v->get_int64();
  } else if (v->is_uint64()) {
    // Too big for int64: the type is right, the value is out of range.
    AddError(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  } else {
    AddTypeError(key, "integer");
    return std::nullopt;
  }
  if (n < min || n > max) {
    AddError(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

std::optional<bool> ObjectReader::Bool(std::string_view key, bool required) {
  const auto* v = Find(key, required);
  if (!v) return std::nullopt;
  if (!v->is_bool()) {
    AddTypeError(key, "boolean");
    return std::nullopt;
  }
  return v->get_bool();
}

const boost::json::object* ObjectReader::Object(std::string_view key, bool required) {
  const auto* v = Find(key, required);
  if (!v) return nullptr;
  if (!v->is_object()) {
    AddTypeError(key, "object");
    return nullptr;
  }
  return &v->get_object();
}

const boost::json::array* ObjectReader::Array(std::string_view key, bool required) {
  const auto* v = Find(key, required);
  if (!v) return nullptr;
  if (!v->is_array()) {
    AddTypeError(key, "array");
    return nullptr;
  }
  return &v->get_array();
}

void ObjectReader::AddError(std::string_view field, std::string message) {
  field_errors_.push_back({FieldName(field), std::move(message)});
}

void ObjectReader::AddTypeError(std::string_view field, std::string_view expected) {
  type_errors_.push_back({FieldName(field), "must be " + Article(expected)});
}

std::string ObjectReader::FieldName(std::string_view key) const {
  if (prefix_.empty()) return std::string(key);
  if (key.empty()) return prefix_;
  if (key.front() == '[') return prefix_ + std::string(key);
  return prefix_ + "." + std::string(key);
}

Result<void> ObjectReader::Finish() const {
  if (!type_errors_.empty()) {
    auto all = type_errors_;
    all.insert(all.end(), field_errors_.begin(), field_errors_.end());
    auto detail = Join(all);
    return Error{Errc::kBadRequest, std::move(detail), std::move(all)};
  }
  if (!field_errors_.empty()) return Error::Invalid(field_errors_);
  return Ok();
}

void ObjectReader::Absorb(const ObjectReader& nested) {
  type_errors_.insert(type_errors_.end(), nested.type_errors_.begin(), nested.type_errors_.end());
  field_errors_.insert(field_errors_.end(), nested.field_errors_.begin(), nested.field_errors_.end());
}

std::string Serialize(const boost::json::value& v) { return boost::json::serialize(v); }

http::Response Reply(int status, const boost::json::value& v) { return http::Response::Json(status, Serialize(v)); }

}  // namespace shop::json
