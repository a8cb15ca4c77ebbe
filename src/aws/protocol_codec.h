// Value encodings shared by the wire protocols: timestamps, base64, percent-encoding, scalar
// text forms and parameter checks against the model. Internal to src/aws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "aws/http.h"
#include "aws/model.h"
#include "core/ascii.h"
#include "core/json.h"

namespace custos::aws::codec {

struct Instant {
  int64_t seconds = 0;  // since the Unix epoch, UTC
  int micros = 0;
};

// ISO-8601 (any offset), RFC 822/1123 or epoch seconds text; nullopt when none of them.
std::optional<Instant> parse_timestamp(std::string_view text);
// A timestamp parameter: epoch number or text as parse_timestamp accepts. Throws InputError.
Instant timestamp_param(const Json& value, const std::string& path);
// "iso8601", "rfc822" or "unixtimestamp" (text form of epoch seconds).
std::string format_timestamp(const Instant& t, std::string_view format);
// A parsed timestamp as the AWS CLI prints it: "2015-01-01T00:00:00+00:00"; text that is no
// timestamp stays as it was.
Json timestamp_result(std::string_view text);
Json timestamp_result(const Instant& t);

std::string base64_encode(std::string_view bytes);
std::string base64_decode(std::string_view text);
// RFC 3986 encoding; unreserved characters and those in `safe` stay as they are.
std::string percent_encode(std::string_view text, std::string_view safe = "");
std::string percent_decode(std::string_view text);
// A URL's host, lower-cased, without user info, port or an IPv6 address's brackets.
std::string url_host(std::string_view url);
std::string new_uuid();

// Case-insensitive header lookup; nullptr when absent.
const std::string* find_header(const Headers& headers, std::string_view name);

// Throws InputError when `value` does not fit `shape`'s type, naming `path`.
void check_type(const Shape& shape, const Json& value, const std::string& path);
// The member `name` of structure `shape`; throws InputError listing the valid names.
const ShapeRef& member_ref(const Shape& shape, const std::string& name, const std::string& path);
// Text form of a scalar parameter (query strings, headers, URI labels, XML text);
// timestamps in `ref`'s format, else `default_format`.
std::string scalar_text(const ShapeRef& ref, const Json& value, const std::string& path,
                        std::string_view default_format);
// A scalar from its wire text, typed by the shape (numbers, booleans, timestamps).
Json scalar_result(const Shape& shape, std::string_view text);

}  // namespace custos::aws::codec
