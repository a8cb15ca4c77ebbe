#include "aws/protocol_codec.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>
#include <random>

#include "core/ascii.h"
#include "core/error.h"

namespace custos::aws::codec {

namespace {

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kWeekdays = {"Thu", "Fri", "Sat", "Sun",
                                                       "Mon", "Tue", "Wed"};

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil {
  int64_t year;
  unsigned month, day, hour, minute, second;
  int64_t days;
};

Civil to_civil(int64_t seconds) {
  int64_t days = seconds / 86400;
  int64_t rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
  return {y,
          m,
          d,
          static_cast<unsigned>(rest / 3600),
          static_cast<unsigned>(rest % 3600 / 60),
          static_cast<unsigned>(rest % 60),
          days};
}

// A cursor over timestamp text.
struct Scanner {
  std::string_view s;
  std::size_t pos = 0;

  bool done() const { return pos >= s.size(); }
  char peek() const { return done() ? '\0' : s[pos]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++pos;
    return true;
  }
  bool digits(int count, int& out) {
    if (pos + count > s.size()) return false;
    out = 0;
    for (int i = 0; i < count; ++i) {
      const char c = s[pos + i];
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    pos += count;
    return true;
  }
  void spaces() {
    while (peek() == ' ') ++pos;
  }
};

std::optional<Instant> make_instant(int year, int month, int day, int h, int mi, int sec,
                                    int micros, int offset_seconds) {
  if (month < 1 || month > 12 || day < 1 || day > 31 || h > 24 || mi > 59 || sec > 60) {
    return std::nullopt;
  }
  const int64_t days = days_from_civil(year, unsigned(month), unsigned(day));
  return Instant{days * 86400 + h * 3600 + mi * 60 + sec - offset_seconds, micros};
}

int fraction_micros(Scanner& sc) {
  int micros = 0, scale = 100000;
  while (std::isdigit(static_cast<unsigned char>(sc.peek()))) {
    micros += (sc.peek() - '0') * scale;
    scale /= 10;
    ++sc.pos;
  }
  return micros;
}

// Zone suffix: Z, GMT, UTC, +HH:MM, +HHMM, +HH; false when malformed.
bool zone_offset(Scanner& sc, int& offset) {
  offset = 0;
  if (sc.done() || sc.eat('Z') || sc.eat('z')) return true;
  const std::string_view rest = sc.s.substr(sc.pos);
  if (rest == "GMT" || rest == "UTC") {
    sc.pos = sc.s.size();
    return true;
  }
  const int sign = sc.eat('+') ? 1 : sc.eat('-') ? -1 : 0;
  int hours = 0, minutes = 0;
  if (sign == 0 || !sc.digits(2, hours)) return false;
  sc.eat(':');
  if (!sc.done() && !sc.digits(2, minutes)) return false;
  offset = sign * (hours * 3600 + minutes * 60);
  return true;
}

std::optional<Instant> parse_iso8601(std::string_view text) {
  Scanner sc{text};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, micros = 0, offset = 0;
  if (!sc.digits(4, y) || !sc.eat('-') || !sc.digits(2, mo) || !sc.eat('-') || !sc.digits(2, d)) {
    return std::nullopt;
  }
  if (sc.eat('T') || sc.eat('t') || sc.eat(' ')) {
    if (!sc.digits(2, h) || !sc.eat(':') || !sc.digits(2, mi)) return std::nullopt;
    if (sc.eat(':') && !sc.digits(2, s)) return std::nullopt;
    if (sc.eat('.') || sc.eat(',')) micros = fraction_micros(sc);
  }
  if (!zone_offset(sc, offset) || !sc.done()) return std::nullopt;
  return make_instant(y, mo, d, h, mi, s, micros, offset);
}

std::optional<Instant> parse_rfc822(std::string_view text) {
  Scanner sc{text};
  if (const auto comma = text.find(','); comma != std::string_view::npos) sc.pos = comma + 1;
  sc.spaces();
  int day = 0, year = 0, h = 0, mi = 0, s = 0, offset = 0;
  if (!sc.digits(2, day) && !sc.digits(1, day)) return std::nullopt;
  sc.spaces();
  const std::string_view month_name = text.substr(sc.pos, 3);
  const auto month = std::find(kMonths.begin(), kMonths.end(), month_name);
  if (month == kMonths.end()) return std::nullopt;
  sc.pos += 3;
  sc.spaces();
  if (!sc.digits(4, year)) return std::nullopt;
  sc.spaces();
  if (!sc.digits(2, h) || !sc.eat(':') || !sc.digits(2, mi) || !sc.eat(':') || !sc.digits(2, s)) {
    return std::nullopt;
  }
  const int micros = sc.eat('.') ? fraction_micros(sc) : 0;
  sc.spaces();
  if (!zone_offset(sc, offset) || !sc.done()) return std::nullopt;
  return make_instant(year, int(month - kMonths.begin()) + 1, day, h, mi, s, micros, offset);
}

std::optional<Instant> from_epoch(double seconds) {
  if (!std::isfinite(seconds)) return std::nullopt;
  // Rounded to the microsecond as Python's datetime.fromtimestamp (botocore) does; a fraction
  // that rounds up to a whole second carries into the seconds.
  const double whole = std::floor(seconds);
  const auto micros = std::llround((seconds - whole) * 1e6);
  return Instant{static_cast<int64_t>(whole) + micros / 1000000,
                 static_cast<int>(micros % 1000000)};
}

std::optional<Instant> parse_epoch(std::string_view text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return from_epoch(value);
}

std::string_view type_name(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "a list";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::number_float:
      return "a decimal number";
    default:
      return "an integer";
  }
}

bool is_special_float(const Json& v) {
  return v.is_string() && (v == "NaN" || v == "Infinity" || v == "-Infinity");
}

}  // namespace

std::optional<Instant> parse_timestamp(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  if (auto t = parse_epoch(text)) return t;
  if (auto t = parse_iso8601(text)) return t;
  return parse_rfc822(text);
}

Instant timestamp_param(const Json& value, const std::string& path) {
  std::optional<Instant> t;
  if (value.is_number()) t = from_epoch(value.get<double>());
  if (value.is_string()) t = parse_timestamp(value.get_ref<const std::string&>());
  if (!t) {
    throw InputError("parameter " + path + " must be a timestamp (ISO-8601 like " +
                     "2024-01-31T12:00:00Z, or epoch seconds), got " + value.dump());
  }
  return *t;
}

std::string format_timestamp(const Instant& t, std::string_view format) {
  const Civil c = to_civil(t.seconds);
  if (format == "rfc822") {
    const auto weekday = kWeekdays[((c.days % 7) + 7) % 7];
    return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT", weekday, c.day,
                       kMonths[c.month - 1], c.year, c.hour, c.minute, c.second);
  }
  if (format == "unixtimestamp") {
    if (t.micros == 0) return std::to_string(t.seconds);
    std::string text = fmt::format("{}.{:06}", t.seconds, t.micros);
    while (text.back() == '0') text.pop_back();
    return text;
  }
  const std::string base = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", c.year, c.month,
                                       c.day, c.hour, c.minute, c.second);
  return t.micros == 0 ? base + "Z" : fmt::format("{}.{:06}Z", base, t.micros);
}

Json timestamp_result(const Instant& t) {
  std::string iso = format_timestamp(Instant{t.seconds, 0}, "iso8601");
  iso.pop_back();  // 'Z'
  if (t.micros != 0) iso += fmt::format(".{:06}", t.micros);
  return iso + "+00:00";
}

Json timestamp_result(std::string_view text) {
  if (auto t = parse_timestamp(text)) return timestamp_result(*t);
  return std::string(text);
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t n = uint8_t(bytes[i]) << 16 | uint8_t(bytes[i + 1]) << 8 | uint8_t(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 63];
  }
  if (i < bytes.size()) {
    uint32_t n = uint8_t(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= uint8_t(bytes[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string base64_decode(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (const char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '+' || c == '-')
      v = 62;
    else if (c == '/' || c == '_')
      v = 63;
    else
      continue;  // padding and line breaks
    buffer = buffer << 6 | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

std::string url_host(std::string_view url) {
  const auto start = url.find("://") == std::string_view::npos ? 0 : url.find("://") + 3;
  auto authority = url.substr(start, url.find_first_of("/?#", start) - start);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  if (authority.starts_with('[')) return std::string(authority.substr(1, authority.find(']') - 1));
  return ascii_lower(authority.substr(0, authority.find(':')));
}

std::string percent_encode(std::string_view text, std::string_view safe) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~' ||
        safe.find(c) != std::string_view::npos) {
      out += c;
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned value = 0;
    if (text[i] == '%' && i + 2 < text.size() &&
        std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16).ptr ==
            text.data() + i + 3) {
      out += static_cast<char>(value);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string new_uuid() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const uint64_t hi = (rng() & 0xFFFFFFFFFFFF0FFFULL) | 0x4000ULL;
  const uint64_t lo = (rng() & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFF,
                     hi & 0xFFFF, lo >> 48, lo & 0xFFFFFFFFFFFFULL);
}

const std::string* find_header(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return &value;
  }
  return nullptr;
}

void check_type(const Shape& shape, const Json& value, const std::string& path) {
  const std::string_view t = shape.type;
  bool ok = true;
  std::string_view expected;
  if (shape.document) return;
  if (t == "structure" || t == "map") {
    ok = value.is_object(), expected = "an object";
  } else if (t == "list") {
    ok = value.is_array(), expected = "a list";
  } else if (t == "boolean") {
    ok = value.is_boolean(), expected = "a boolean";
  } else if (t == "integer" || t == "long") {
    ok = value.is_number_integer(), expected = "an integer";
  } else if (t == "float" || t == "double") {
    ok = value.is_number() || is_special_float(value), expected = "a number";
  } else if (t == "timestamp") {
    ok = value.is_string() || value.is_number(), expected = "a timestamp";
  } else {
    ok = value.is_string(), expected = "a string";
  }
  if (!ok) {
    throw InputError(fmt::format("parameter {} must be {}, got {}", path.empty() ? "input" : path,
                                 expected, type_name(value)));
  }
}

const ShapeRef& member_ref(const Shape& shape, const std::string& name, const std::string& path) {
  if (const ShapeRef* ref = shape.find_member(name)) return *ref;
  std::string valid;
  for (const auto& [member, ref] : shape.members) valid += (valid.empty() ? "" : ", ") + member;
  throw InputError("unknown parameter " + (path.empty() ? name : path + "." + name) +
                   (valid.empty() ? "; it takes no parameters" : "; valid ones: " + valid));
}

std::string scalar_text(const ShapeRef& ref, const Json& value, const std::string& path,
                        std::string_view default_format) {
  const Shape& shape = *ref.shape;
  check_type(shape, value, path);
  const std::string_view t = shape.type;
  if (t == "boolean") return value.get<bool>() ? "true" : "false";
  if (t == "timestamp") {
    return format_timestamp(timestamp_param(value, path),
                            ref.timestamp_format.value_or(std::string(default_format)));
  }
  if (t == "blob") return base64_encode(value.get_ref<const std::string&>());
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number() && !value.is_number_float()) return value.dump();
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
    return value.dump();
  }
  throw InputError("parameter " + path + " must be a " + std::string(t) + ", got " + value.dump());
}

Json scalar_result(const Shape& shape, std::string_view text) {
  const std::string_view t = shape.type;
  if (t == "boolean") return text == "true";
  if (t == "integer" || t == "long") {
    int64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc() && end == text.data() + text.size()) return v;
  } else if (t == "float" || t == "double") {
    double v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc() && end == text.data() + text.size() && std::isfinite(v)) return v;
  } else if (t == "timestamp") {
    return timestamp_result(text);
  }
  return std::string(text);
}

}  // namespace custos::aws::codec
