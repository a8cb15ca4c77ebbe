// The conversions behind the value filter's `value_type` (c7n ValueFilter.process_value_type):
// dates as c7n.utils.parse_date, addresses and networks as parse_cidr, LooseVersion ordering,
// Python's int() and float() of str(value).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/json.h"

namespace custos::policy::value_type {

enum class Kind {
  kNone,
  kAge,
  kExpiration,
  kInteger,
  kFloat,
  kSize,
  kUniqueSize,
  kNormalize,
  kSwap,
  kCidr,
  kCidrSize,
  kDate,
  kVersion,
  kResourceCount,
  kExpr,
};

// nullopt for an unknown name; known_names() lists them for errors.
std::optional<Kind> parse_kind(std::string_view name);
const char* known_names();

// Microseconds since the Unix epoch.
using Micros = std::int64_t;
Micros now();
constexpr Micros kMicrosPerDay = 86'400'000'000;
// parse_date: ISO-8601 or RFC 1123 text (without a zone: UTC), or epoch seconds, else epoch
// milliseconds, as a number or a string of digits, later than 2006-03-19 (S3's launch).
std::optional<Micros> parse_date(const Json& value);

// An IPv4 or IPv6 address, or a network (prefix set).
struct Ip {
  int version = 4;
  unsigned __int128 bits = 0;
  int prefix = -1;  // -1 for an address
  bool is_network() const { return prefix >= 0; }
};
// parse_cidr of one string: an address without '/', a network with it (host bits must be 0).
std::optional<Ip> parse_ip(std::string_view text);
bool ip_equal(const Ip& a, const Ip& b);
// ipaddress ordering; nullopt between an address and a network or across versions.
std::optional<int> ip_compare(const Ip& a, const Ip& b);
// `item in network` (c7n's network-in-network is containment); nullopt where Python raises.
std::optional<bool> ip_in(const Ip& item, const Ip& network);

// distutils LooseVersion: "1.10.2rc1" is [1, 10, 2, 'rc', 1]; nullopt where a number meets a
// word at the first difference (TypeError in Python 3; such versions are also not equal).
std::optional<int> compare_versions(std::string_view a, std::string_view b);

// str.strip() for ASCII whitespace.
std::string_view strip(std::string_view text);

// int(str(value).strip()) and float(str(value).strip()), 0 where Python raises ValueError.
Json to_integer(const Json* value);
double to_float(const Json* value);

}  // namespace custos::policy::value_type
