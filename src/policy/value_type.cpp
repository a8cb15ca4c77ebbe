#include "policy/value_type.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

#include "aws/protocol_codec.h"
#include "core/ascii.h"

namespace custos::policy::value_type {
namespace {

struct Name {
  const char* text;
  Kind kind;
};
constexpr std::array<Name, 14> kNames = {{{"age", Kind::kAge},
                                          {"expiration", Kind::kExpiration},
                                          {"integer", Kind::kInteger},
                                          {"float", Kind::kFloat},
                                          {"size", Kind::kSize},
                                          {"unique_size", Kind::kUniqueSize},
                                          {"normalize", Kind::kNormalize},
                                          {"swap", Kind::kSwap},
                                          {"cidr", Kind::kCidr},
                                          {"cidr_size", Kind::kCidrSize},
                                          {"date", Kind::kDate},
                                          {"version", Kind::kVersion},
                                          {"resource_count", Kind::kResourceCount},
                                          {"expr", Kind::kExpr}}};

// c7n's DATE_FLOOR (S3's launch day) and the last second datetime can hold (year 9999).
constexpr double kDateFloor = 1142726400;
constexpr double kDateCeiling = 253402300800;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_python_space(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

// Digits with single underscores between them (Python's numeric literals); appends the digits.
bool digit_run(std::string_view s, std::size_t& i, std::string& out) {
  std::size_t start = i;
  while (i < s.size() && (is_digit(s[i]) || (s[i] == '_' && i > start && i + 1 < s.size() &&
                                             is_digit(s[i - 1]) && is_digit(s[i + 1])))) {
    if (s[i] != '_') out += s[i];
    ++i;
  }
  return i > start;
}

// Python's float() grammar; the literal without underscores, or nullopt.
std::optional<std::string> float_literal(std::string_view s) {
  std::string out;
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) out += s[i++];
  std::string_view word = s.substr(i);
  if (iequals(word, "inf") || iequals(word, "infinity") || iequals(word, "nan"))
    return out + std::string(word);
  bool whole = digit_run(s, i, out);
  bool fraction = false;
  if (i < s.size() && s[i] == '.') {
    out += s[i++];
    fraction = digit_run(s, i, out);
  }
  if (!whole && !fraction) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    out += s[i++];
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) out += s[i++];
    if (!digit_run(s, i, out)) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  return out;
}

Micros to_micros(double seconds) {
  double whole = std::floor(seconds);
  return static_cast<Micros>(whole) * 1'000'000 +
         static_cast<Micros>(std::nearbyint((seconds - whole) * 1e6));
}

// fromtimestamp(v), or fromtimestamp(v / 1000) when v is too far out for seconds.
std::optional<Micros> from_epoch(double v) {
  if (!(v > kDateFloor)) return std::nullopt;
  if (v < kDateCeiling) return to_micros(v);
  if (v / 1000 < kDateCeiling) return to_micros(v / 1000);
  return std::nullopt;
}

// dateutil refuses days past the month's end (2024-02-30), which the AWS codec rolls over.
bool real_day(std::string_view text) {
  auto number = [&](std::size_t at, std::size_t size) {
    int n = 0;
    for (std::size_t i = at; i < at + size; ++i) n = n * 10 + (text[i] - '0');
    return n;
  };
  bool iso = text.size() >= 10 && text[4] == '-' && text[7] == '-' &&
             std::all_of(text.begin(), text.begin() + 4, is_digit) && is_digit(text[5]) &&
             is_digit(text[6]) && is_digit(text[8]) && is_digit(text[9]);
  if (!iso) return true;
  int year = number(0, 4), month = number(5, 2), day = number(8, 2);
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month >= 1 && month <= 12 && day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

// dateutil reads "2009-1-1" and "2009/1/1" as it reads "2009-01-01": the year-first forms
// with one-digit months or days, or slashes, written as ISO 8601; other text as it is.
std::string iso_date(std::string_view text) {
  std::size_t at = 4;
  if (text.size() < 8 || !std::all_of(text.begin(), text.begin() + 4, is_digit)) return {};
  char separator = text[at];
  if (separator != '-' && separator != '/') return {};
  std::string iso(text.substr(0, 4));
  for (int part = 0; part < 2; ++part) {
    if (text[at] != separator) return {};
    std::size_t digits = 0;
    while (at + 1 + digits < text.size() && is_digit(text[at + 1 + digits])) ++digits;
    if (digits < 1 || digits > 2) return {};
    iso += '-' + std::string(2 - digits, '0') + std::string(text.substr(at + 1, digits));
    at += 1 + digits;
  }
  if (at < text.size() && text[at] != 'T' && text[at] != ' ') return {};
  return iso + std::string(text.substr(at));
}

unsigned __int128 mask(const Ip& ip) {
  int total = ip.version == 4 ? 32 : 128;
  unsigned __int128 all = ip.version == 4 ? 0xFFFFFFFFu : ~static_cast<unsigned __int128>(0);
  if (ip.prefix <= 0) return 0;
  return all & ~((static_cast<unsigned __int128>(1) << (total - ip.prefix)) - 1);
}

// One LooseVersion component: a run of digits (a number), a run of lowercase letters, or a run
// of anything else; dots separate and are dropped.
struct Token {
  bool number = false;
  std::string_view text;
};

bool is_lower(char c) { return c >= 'a' && c <= 'z'; }

bool next_token(std::string_view s, std::size_t& i, Token& token) {
  while (i < s.size() && s[i] == '.') ++i;
  if (i == s.size()) return false;
  std::size_t start = i;
  auto run = [&](auto&& in_class) {
    while (i < s.size() && in_class(s[i])) ++i;
  };
  if (is_digit(s[i])) {
    run(is_digit);
  } else if (is_lower(s[i])) {
    run(is_lower);
  } else {
    run([](char c) { return !is_digit(c) && !is_lower(c) && c != '.'; });
  }
  token = Token{is_digit(s[start]), s.substr(start, i - start)};
  return true;
}

// Numbers by value (int("007") is 7), words by code point; nullopt for a number against a word.
std::optional<int> compare_tokens(const Token& a, const Token& b) {
  if (a.number != b.number) return std::nullopt;
  std::string_view x = a.text, y = b.text;
  if (a.number) {
    while (x.size() > 1 && x.front() == '0') x.remove_prefix(1);
    while (y.size() > 1 && y.front() == '0') y.remove_prefix(1);
    if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
  }
  int c = x.compare(y);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace

std::string_view strip(std::string_view s) {
  while (!s.empty() && is_python_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_python_space(s.back())) s.remove_suffix(1);
  return s;
}

std::optional<Kind> parse_kind(std::string_view name) {
  for (const auto& entry : kNames)
    if (name == entry.text) return entry.kind;
  return std::nullopt;
}

const char* known_names() {
  return "age, expiration, integer, float, size, unique_size, normalize, swap, cidr, cidr_size, "
         "date, version, resource_count, expr";
}

Micros now() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::optional<Micros> parse_date(const Json& value) {
  if (value.is_number()) return from_epoch(value.get<double>());
  if (!value.is_string()) return std::nullopt;  // None, and booleans (1.0 is before the floor)
  std::string_view text = value.get_ref<const std::string&>();
  if (auto number = float_literal(strip(text)))
    return from_epoch(std::strtod(number->c_str(), nullptr));
  std::string iso = iso_date(strip(text));
  if (!iso.empty()) text = iso;
  auto instant = aws::codec::parse_timestamp(text);
  if (!instant || !real_day(strip(text))) return std::nullopt;
  return instant->seconds * 1'000'000 + instant->micros;
}

std::optional<Ip> parse_ip(std::string_view text) {
  std::size_t slash = text.find('/');
  std::string_view address = text.substr(0, slash);
  char buffer[64];
  // An empty view may have no data at all, which memcpy must not be given (UBSan).
  if (address.empty() || address.size() >= sizeof buffer) return std::nullopt;
  std::memcpy(buffer, address.data(), address.size());
  buffer[address.size()] = '\0';
  unsigned char raw[16];
  Ip ip;
  if (inet_pton(AF_INET, buffer, raw) == 1) {
    ip.version = 4;
    for (int i = 0; i < 4; ++i) ip.bits = ip.bits << 8 | raw[i];
  } else if (inet_pton(AF_INET6, buffer, raw) == 1) {
    ip.version = 6;
    for (int i = 0; i < 16; ++i) ip.bits = ip.bits << 8 | raw[i];
  } else {
    return std::nullopt;
  }
  if (slash == std::string_view::npos) return ip;
  std::string_view prefix = text.substr(slash + 1);
  if (prefix.empty() || prefix.size() > 3) return std::nullopt;
  ip.prefix = 0;
  for (char c : prefix) {
    if (!is_digit(c)) return std::nullopt;
    ip.prefix = ip.prefix * 10 + (c - '0');
  }
  if (ip.prefix > (ip.version == 4 ? 32 : 128)) return std::nullopt;
  if ((ip.bits & ~mask(ip)) != 0) return std::nullopt;  // host bits set: ipaddress is strict
  return ip;
}

bool ip_equal(const Ip& a, const Ip& b) {
  return a.version == b.version && a.prefix == b.prefix && a.bits == b.bits;
}

std::optional<int> ip_compare(const Ip& a, const Ip& b) {
  if (a.version != b.version || a.is_network() != b.is_network()) return std::nullopt;
  if (a.bits != b.bits) return a.bits < b.bits ? -1 : 1;
  return a.prefix < b.prefix ? -1 : (a.prefix > b.prefix ? 1 : 0);
}

std::optional<bool> ip_in(const Ip& item, const Ip& network) {
  if (!network.is_network()) return std::nullopt;
  if (item.version != network.version) {
    if (item.is_network()) return std::nullopt;
    return false;
  }
  if (item.is_network() && item.prefix < network.prefix) return false;
  return (item.bits & mask(network)) == network.bits;
}

// Python's comparison of the two component lists.
std::optional<int> compare_versions(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  Token x, y;
  while (true) {
    bool more_a = next_token(a, i, x), more_b = next_token(b, j, y);
    if (!more_a || !more_b) return more_a == more_b ? 0 : (more_a ? 1 : -1);
    auto c = compare_tokens(x, y);
    if (c != 0) return c;  // nullopt too: a number and a word are never equal
  }
}

Json to_integer(const Json* value) {
  if (!value || value->is_boolean() || value->is_number_float()) return 0;  // "None", "True", "1.0"
  if (value->is_number()) return *value;
  if (!value->is_string()) return 0;
  std::string_view s = strip(value->get_ref<const std::string&>());
  std::string digits;
  std::size_t i = 0;
  bool negative = i < s.size() && s[i] == '-';
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (!digit_run(s, i, digits) || i != s.size()) return 0;
  if (digits.size() > 18) return std::strtod((negative ? "-" + digits : digits).c_str(), nullptr);
  std::int64_t n = std::strtoll(digits.c_str(), nullptr, 10);
  return negative ? -n : n;
}

double to_float(const Json* value) {
  if (!value || value->is_boolean()) return 0;
  if (value->is_number()) return value->get<double>();
  if (!value->is_string()) return 0;
  auto literal = float_literal(strip(value->get_ref<const std::string&>()));
  return literal ? std::strtod(literal->c_str(), nullptr) : 0;
}

}  // namespace custos::policy::value_type
