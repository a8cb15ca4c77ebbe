#include "policy/vars.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <ctime>
#include <regex>

#include "aws/client.h"
#include "aws/endpoints.h"
#include "core/error.h"

namespace custos::policy {

struct Variables::Value {
  enum Kind { kJson, kLazy, kDate, kDeferred } kind = kJson;
  Json json;
  std::function<Json()> compute;
  mutable std::optional<Json> cached;
  std::chrono::system_clock::time_point time;
};

namespace {

using TimePoint = std::chrono::system_clock::time_point;

// Python's KeyError/IndexError while formatting: Cloud Custodian then keeps the text as written.
struct MissingVariable {};

[[noreturn]] void format_error(const std::string& why) { throw InputError(why); }

// What a field refers to: a JSON value, a date (FormatDate) or a deferred field.
struct Object {
  enum Kind { kJson, kDate, kDeferred } kind = kJson;
  Json json;
  TimePoint time;
  std::string name;
};

Object json_object(Json json) {
  Object object;
  object.json = std::move(json);
  return object;
}

const char* python_type(const Object& object) {
  if (object.kind == Object::kDate) return "FormatDate";
  if (object.kind == Object::kDeferred) return "DeferredFormatString";
  switch (object.json.type()) {
    case Json::value_t::object:
      return "dict";
    case Json::value_t::array:
      return "list";
    case Json::value_t::string:
      return "str";
    case Json::value_t::boolean:
      return "bool";
    case Json::value_t::null:
      return "NoneType";
    case Json::value_t::number_float:
      return "float";
    default:
      return "int";
  }
}

// ---- Python's str() and repr() of JSON values ----

std::string float_repr(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  char buffer[64];
  auto end =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific).ptr;
  std::string text(buffer, end);  // shortest round-trip digits: "-1.25e+02"
  bool negative = text[0] == '-';
  std::string mantissa = text.substr(negative, text.find('e') - negative);
  int exponent = std::stoi(text.substr(text.find('e') + 1));
  std::string digits;
  for (char c : mantissa)
    if (c != '.') digits += c;
  std::string out;
  if (exponent < -4 || exponent >= 16) {  // repr switches to scientific notation here
    out = digits.substr(0, 1) + (digits.size() > 1 ? "." + digits.substr(1) : "") + "e" +
          (exponent < 0 ? "-" : "+") + (std::abs(exponent) < 10 ? "0" : "") +
          std::to_string(std::abs(exponent));
  } else if (exponent < 0) {
    out = "0." + std::string(-exponent - 1, '0') + digits;
  } else {
    if (digits.size() <= static_cast<std::size_t>(exponent) + 1)
      digits += std::string(exponent + 1 - digits.size(), '0');
    std::string fraction = digits.substr(exponent + 1);
    out = digits.substr(0, exponent + 1) + "." + (fraction.empty() ? "0" : fraction);
  }
  return (negative ? "-" : "") + out;
}

std::string string_repr(const std::string& text) {
  bool has_single = text.find('\'') != std::string::npos;
  char quote = has_single && text.find('"') == std::string::npos ? '"' : '\'';
  std::string out(1, quote);
  for (unsigned char c : text) {
    if (c == '\\' || c == quote) {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + quote;
}

std::string json_str(const Json& value, bool repr) {
  switch (value.type()) {
    case Json::value_t::string:
      return repr ? string_repr(value.get_ref<const std::string&>()) : value.get<std::string>();
    case Json::value_t::boolean:
      return value.get<bool>() ? "True" : "False";
    case Json::value_t::null:
      return "None";
    case Json::value_t::number_float:
      return float_repr(value.get<double>());
    case Json::value_t::array: {
      std::string out = "[";
      for (const Json& item : value) out += (out.size() > 1 ? ", " : "") + json_str(item, true);
      return out + "]";
    }
    case Json::value_t::object: {
      std::string out = "{";
      for (const auto& [key, item] : value.items())
        out += (out.size() > 1 ? ", " : "") + string_repr(key) + ": " + json_str(item, true);
      return out + "}";
    }
    default:
      return value.dump();
  }
}

// ---- dates (Cloud Custodian's FormatDate over a naive UTC datetime) ----

std::tm utc_tm(TimePoint time) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return tm;
}

long microseconds(TimePoint time) {
  auto since = time.time_since_epoch();
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(since).count() % 1000000;
  return static_cast<long>(micros < 0 ? micros + 1000000 : micros);
}

std::string strftime_utc(TimePoint time, const std::string& format) {
  std::string c_format;  // %f (microseconds) is Python's; a naive datetime has empty %z and %Z
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%' || i + 1 == format.size()) {
      c_format += format[i];
      continue;
    }
    char code = format[++i];
    if (code == 'f') {
      char micros[8];
      std::snprintf(micros, sizeof micros, "%06ld", microseconds(time));
      c_format += micros;
    } else if (code != 'z' && code != 'Z') {
      c_format += '%';
      c_format += code;
    }
  }
  std::tm tm = utc_tm(time);
  std::string out(c_format.size() * 8 + 64, '\0');
  out.resize(std::strftime(out.data(), out.size(), c_format.c_str(), &tm));
  return out;
}

// str(datetime): "2026-11-26 09:32:17.123456" (no fraction when it is zero).
std::string date_str(TimePoint time, char separator) {
  std::string out = strftime_utc(time, std::string("%Y-%m-%d") + separator + "%H:%M:%S");
  if (long micros = microseconds(time)) {
    char fraction[16];
    std::snprintf(fraction, sizeof fraction, ".%06ld", micros);
    out += fraction;
  }
  return out;
}

// FormatDate.__format__: "+3d", "+2h", "+30M" move the date, the rest is strftime.
std::string format_date(TimePoint time, std::string spec) {
  static const std::regex increment(R"(\+([0-9]+)([Mdh]))");
  for (std::sregex_iterator it(spec.begin(), spec.end(), increment), end; it != end; ++it) {
    double amount = std::stod((*it)[1].str());
    char unit = (*it)[2].str()[0];
    double seconds = amount * (unit == 'd' ? 86400 : unit == 'h' ? 3600 : 60);
    time += std::chrono::duration_cast<std::chrono::system_clock::duration>(
        std::chrono::duration<double>(seconds));
  }
  spec = std::regex_replace(spec, increment, "");
  return spec.empty() ? date_str(time, ' ') : strftime_utc(time, spec);
}

// ---- the format spec mini-language (the parts policies use) ----

struct FormatSpec {
  char fill = ' ';
  char align = 0;
  char sign = 0;
  bool alternate = false;
  int width = 0;
  char grouping = 0;
  int precision = -1;
  char type = 0;
};

int read_number(const std::string& spec, std::size_t& i) {
  int value = 0;
  while (i < spec.size() && std::isdigit(static_cast<unsigned char>(spec[i])))
    value = value * 10 + (spec[i++] - '0');
  return value;
}

FormatSpec parse_spec(const std::string& spec) {
  FormatSpec out;
  auto is_align = [](char c) { return c == '<' || c == '>' || c == '=' || c == '^'; };
  std::size_t i = 0;
  if (spec.size() >= 2 && is_align(spec[1])) {
    out.fill = spec[0];
    out.align = spec[1];
    i = 2;
  } else if (!spec.empty() && is_align(spec[0])) {
    out.align = spec[0];
    i = 1;
  }
  if (i < spec.size() && (spec[i] == '+' || spec[i] == '-' || spec[i] == ' ')) out.sign = spec[i++];
  if (i < spec.size() && spec[i] == '#') out.alternate = (++i, true);
  if (i < spec.size() && spec[i] == '0') {
    if (!out.align) out.fill = '0', out.align = '=';
    ++i;
  }
  out.width = read_number(spec, i);
  if (i < spec.size() && (spec[i] == ',' || spec[i] == '_')) out.grouping = spec[i++];
  if (i < spec.size() && spec[i] == '.') {
    std::size_t start = ++i;
    out.precision = read_number(spec, i);
    if (i == start) format_error("Format specifier missing precision");
  }
  if (i < spec.size()) out.type = spec[i++];
  if (i < spec.size()) format_error("Invalid format specifier '" + spec + "'");
  return out;
}

// Pads `body` (after `prefix`: sign and 0x) to the width, as Python aligns.
std::string pad(const std::string& prefix, const std::string& body, const FormatSpec& spec,
                char default_align) {
  std::size_t length = prefix.size() + body.size();
  if (spec.width <= 0 || length >= static_cast<std::size_t>(spec.width)) return prefix + body;
  std::size_t fill = spec.width - length;
  switch (spec.align ? spec.align : default_align) {
    case '<':
      return prefix + body + std::string(fill, spec.fill);
    case '^':
      return std::string(fill / 2, spec.fill) + prefix + body +
             std::string(fill - fill / 2, spec.fill);
    case '=':
      return prefix + std::string(fill, spec.fill) + body;
    default:
      return std::string(fill, spec.fill) + prefix + body;
  }
}

std::string group_digits(const std::string& digits, char separator, std::size_t every) {
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % every == 0) out += separator;
    out += digits[i];
  }
  return out;
}

std::string format_text(const std::string& text, const FormatSpec& spec) {
  if (spec.sign) format_error("Sign not allowed in string format specifier");
  if (spec.alternate) format_error("Alternate form (#) not allowed in string format specifier");
  if (spec.align == '=') format_error("'=' alignment not allowed in string format specifier");
  if (spec.type && spec.type != 's')
    format_error(std::string("Unknown format code '") + spec.type + "' for object of type 'str'");
  std::string body = spec.precision >= 0 ? text.substr(0, spec.precision) : text;
  return pad("", body, spec, '<');
}

std::string format_float(double value, const FormatSpec& spec) {
  char type = spec.type ? spec.type : 'g';
  if (std::string("eEfFgG%").find(type) == std::string::npos)
    format_error(std::string("Unknown format code '") + type + "' for object of type 'float'");
  std::string sign = std::signbit(value) ? "-"
                                         : (spec.sign == '+'   ? "+"
                                            : spec.sign == ' ' ? " "
                                                               : "");
  double magnitude = std::fabs(value);
  std::string body;
  if (!spec.type && spec.precision < 0) {
    body = float_repr(magnitude);
  } else {
    if (type == '%') magnitude *= 100;
    char c_type = type == '%' ? 'f' : type;
    int precision = spec.precision >= 0 ? spec.precision : 6;
    char buffer[512];
    std::snprintf(buffer, sizeof buffer, (std::string("%.*") + c_type).c_str(), precision,
                  magnitude);
    body = buffer;
    if (type == '%') body += '%';
  }
  return pad(sign, body, spec, '>');
}

std::string format_integer(const Json& value, const FormatSpec& spec) {
  if (spec.type && std::string("eEfFgG%").find(spec.type) != std::string::npos)
    return format_float(value.get<double>(), spec);
  if (spec.precision >= 0) format_error("Precision not allowed in integer format specifier");
  char type = spec.type ? spec.type : 'd';
  bool negative =
      value.is_number_integer() && !value.is_number_unsigned() && value.get<long long>() < 0;
  unsigned long long magnitude =
      negative ? 0ULL - static_cast<unsigned long long>(value.get<long long>())
               : value.get<unsigned long long>();
  int base = type == 'x' || type == 'X' ? 16 : type == 'o' ? 8 : type == 'b' ? 2 : 10;
  if (std::string("dnxXob").find(type) == std::string::npos)
    format_error(std::string("Unknown format code '") + type + "' for object of type 'int'");
  char buffer[80];
  std::string digits(buffer, std::to_chars(buffer, buffer + sizeof buffer, magnitude, base).ptr);
  if (type == 'X')
    for (char& c : digits) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (spec.grouping) digits = group_digits(digits, spec.grouping, base == 10 ? 3 : 4);
  std::string prefix = negative ? "-" : (spec.sign == '+' ? "+" : spec.sign == ' ' ? " " : "");
  if (spec.alternate && base != 10) prefix += std::string("0") + (type == 'X' ? 'X' : type);
  return pad(prefix, digits, spec, '>');
}

// Python's format(obj, spec) for what a policy variable can hold.
std::string format_field(const Object& object, const std::string& spec) {
  if (object.kind == Object::kDate) return format_date(object.time, spec);
  if (object.kind == Object::kDeferred)
    return "{" + object.name + (spec.empty() ? "" : ":" + spec) + "}";
  const Json& value = object.json;
  if (spec.empty()) return json_str(value, false);
  FormatSpec parsed = parse_spec(spec);
  if (value.is_string()) return format_text(value.get<std::string>(), parsed);
  if (value.is_boolean()) return format_integer(Json(value.get<bool>() ? 1 : 0), parsed);
  if (value.is_number_float()) return format_float(value.get<double>(), parsed);
  if (value.is_number()) return format_integer(value, parsed);
  format_error(std::string("unsupported format string passed to ") + python_type(object) +
               ".__format__");
}

// ---- fields: name, .attribute, [index], !conversion ----

Object lookup(const Variables& vars, const std::string& name) {
  // Only keyword arguments are given: "{}" and "{0}" are Python's IndexError.
  if (name.empty() || std::all_of(name.begin(), name.end(), ::isdigit)) throw MissingVariable{};
  const Variables::Value* value = vars.find(name);
  if (!value) throw MissingVariable{};
  Object object;
  switch (value->kind) {
    case Variables::Value::kJson:
      object.json = value->json;
      break;
    case Variables::Value::kLazy:
      if (!value->cached) value->cached = value->compute();
      object.json = *value->cached;
      break;
    case Variables::Value::kDate:
      object.kind = Object::kDate;
      object.time = value->time;
      break;
    case Variables::Value::kDeferred:
      object.kind = Object::kDeferred;
      object.name = name;
      break;
  }
  return object;
}

Object attribute(const Object& object, const std::string& name) {
  if (object.kind == Object::kDate) {
    std::tm tm = utc_tm(object.time);
    const std::map<std::string, long> parts = {{"year", tm.tm_year + 1900},
                                               {"month", tm.tm_mon + 1},
                                               {"day", tm.tm_mday},
                                               {"hour", tm.tm_hour},
                                               {"minute", tm.tm_min},
                                               {"second", tm.tm_sec},
                                               {"microsecond", microseconds(object.time)}};
    if (auto it = parts.find(name); it != parts.end()) return json_object(it->second);
  }
  format_error(std::string("'") + python_type(object) + "' object has no attribute '" + name + "'");
}

Object item(const Object& object, const std::string& key) {
  bool numeric = !key.empty() && std::all_of(key.begin(), key.end(), ::isdigit);
  const Json& value = object.json;
  if (object.kind == Object::kJson && value.is_object()) {
    auto it = value.find(key);
    if (it == value.end()) throw MissingVariable{};
    return json_object(*it);
  }
  if (object.kind == Object::kJson && (value.is_array() || value.is_string())) {
    if (!numeric)
      format_error(std::string(python_type(object)) + " indices must be integers, not 'str'");
    std::size_t index = std::stoul(key);
    if (value.is_array()) {
      if (index >= value.size()) throw MissingVariable{};
      return json_object(value[index]);
    }
    const auto& text = value.get_ref<const std::string&>();
    if (index >= text.size()) throw MissingVariable{};
    return json_object(std::string(1, text[index]));
  }
  format_error(std::string("'") + python_type(object) + "' object is not subscriptable");
}

Object resolve_field(const std::string& field, const Variables& vars) {
  std::size_t end = field.find_first_of(".[");
  Object object = lookup(vars, field.substr(0, end));
  while (end != std::string::npos) {
    if (field[end] == '.') {
      std::size_t next = field.find_first_of(".[", end + 1);
      std::string name = field.substr(end + 1, next == std::string::npos ? next : next - end - 1);
      if (name.empty()) format_error("Empty attribute in format string");
      object = attribute(object, name);
      end = next;
      continue;
    }
    std::size_t close = field.find(']', end);
    if (close == std::string::npos) format_error("Missing ']' in format string");
    std::string key = field.substr(end + 1, close - end - 1);
    if (key.empty()) format_error("Empty attribute in format string");
    object = item(object, key);
    end = close + 1;
    if (end == field.size()) break;
    if (field[end] != '.' && field[end] != '[')
      format_error("Only '.' or '[' may follow ']' in format field specifier");
  }
  return object;
}

Object convert(const Object& object, char conversion) {
  if (conversion == 0) return object;
  if (conversion != 'r' && conversion != 's' && conversion != 'a')
    format_error(std::string("Unknown conversion specifier ") + conversion);
  bool repr = conversion != 's';
  std::string text;
  if (object.kind == Object::kDate)
    text = date_str(object.time, ' ');
  else if (object.kind == Object::kDeferred)
    text = repr ? string_repr(object.name) : object.name;
  else
    text = json_str(object.json, repr);
  return json_object(text);
}

struct Piece {
  bool literal = true;
  std::string text;
  Object object;
  std::string spec;
};

std::vector<Piece> parse_and_resolve(const std::string& text, const Variables& vars, int depth);

// Splits "name!r:spec" as CPython does (brackets in the name may hold ':' and '!').
void field_parts(const std::string& field, std::string& name, char& conversion, std::string& spec) {
  std::size_t i = 0;
  while (i < field.size()) {
    char c = field[i];
    if (c == '{') format_error("unexpected '{' in field name");
    if (c == '[') {
      std::size_t close = field.find(']', i);
      i = close == std::string::npos ? field.size() : close + 1;
      continue;
    }
    if (c == ':' || c == '!') break;
    ++i;
  }
  name = field.substr(0, i);
  conversion = 0;
  if (i < field.size() && field[i] == '!') {
    if (i + 1 >= field.size()) format_error("end of string while looking for conversion specifier");
    conversion = field[i + 1];
    i += 2;
    if (i < field.size() && field[i] != ':')
      format_error("expected ':' after conversion specifier");
  }
  spec = i < field.size() ? field.substr(i + 1) : "";
}

Piece resolve_piece(const std::string& field, const Variables& vars, int depth) {
  std::string name, spec;
  char conversion;
  field_parts(field, name, conversion, spec);
  Piece piece;
  piece.literal = false;
  piece.object = convert(resolve_field(name, vars), conversion);
  for (const Piece& part : parse_and_resolve(spec, vars, depth - 1))  // nested "{x:{width}}"
    piece.spec += part.literal ? part.text : format_field(part.object, part.spec);
  return piece;
}

std::vector<Piece> parse_and_resolve(const std::string& text, const Variables& vars, int depth) {
  if (depth < 0) format_error("Max string recursion exceeded");
  std::vector<Piece> pieces;
  std::string literal;
  auto flush = [&] {
    if (literal.empty()) return;
    pieces.emplace_back();
    pieces.back().text = std::move(literal);
    literal.clear();
  };
  for (std::size_t i = 0; i < text.size();) {
    char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      literal += c;
      i += 2;
      continue;
    }
    if (c == '}') format_error("Single '}' encountered in format string");
    if (c != '{') {
      literal += c;
      ++i;
      continue;
    }
    if (i + 1 == text.size()) format_error("Single '{' encountered in format string");
    std::size_t close = i + 1;
    for (int open = 1; close < text.size(); ++close) {
      if (text[close] == '{') ++open;
      if (text[close] == '}' && --open == 0) break;
    }
    if (close >= text.size()) format_error("expected '}' before end of string");
    flush();
    pieces.push_back(resolve_piece(text.substr(i + 1, close - i - 1), vars, depth));
    i = close + 1;
  }
  flush();
  return pieces;
}

// A single "{now}" keeps its type; a date then reads as Cloud Custodian's JSON encoder writes it.
Json to_json(const Object& object) {
  if (object.kind == Object::kDate) return date_str(object.time, 'T');
  if (object.kind == Object::kDeferred) return "{" + object.name + "}";
  return object.json;
}

}  // namespace

const std::string& AccountId::get() const {
  if (!id_) id_ = fetch_();
  return *id_;
}

std::string sts_account_id(const aws::Client& client) {
  Json identity = client.call("sts", "GetCallerIdentity");
  if (!identity.contains("Account") || !identity["Account"].is_string())
    throw Error("STS GetCallerIdentity returned no account id (needed for account_id)");
  return identity["Account"].get<std::string>();
}

Variables::Variables() = default;
Variables::~Variables() = default;
Variables::Variables(Variables&&) noexcept = default;

void Variables::set(const std::string& name, Json value) {
  auto v = std::make_unique<Value>();
  v->json = std::move(value);
  values_[name] = std::move(v);
}

void Variables::set_lazy(const std::string& name, std::function<Json()> compute) {
  auto v = std::make_unique<Value>();
  v->kind = Value::kLazy;
  v->compute = std::move(compute);
  values_[name] = std::move(v);
}

void Variables::set_date(const std::string& name, std::chrono::system_clock::time_point time) {
  auto v = std::make_unique<Value>();
  v->kind = Value::kDate;
  v->time = time;
  values_[name] = std::move(v);
}

void Variables::set_deferred(const std::string& name) {
  auto v = std::make_unique<Value>();
  v->kind = Value::kDeferred;
  values_[name] = std::move(v);
}

const Variables::Value* Variables::find(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : it->second.get();
}

Variables policy_variables(const Json& user, const Json& policy_data, const std::string& region,
                           const AccountId& account, bool event_mode) {
  Variables vars;
  if (user.is_object())
    for (const auto& [name, value] : user.items()) vars.set(name, value);
  // Fields only actions know how to fill; they format back to themselves.
  for (const char* name : {"account", "event", "op", "action_date", "service", "bucket_region",
                           "bucket_name", "source_bucket_name", "source_bucket_region",
                           "target_bucket_name", "target_prefix", "LoadBalancerName"})
    vars.set(name, std::string("{") + name + "}");
  vars.set_lazy("account_id", [&account] { return Json(account.get()); });
  vars.set("partition", aws::EndpointResolver::standard().partition_of(region));
  vars.set("region", region);
  vars.set("policy", policy_data);
  // Cloud Custodian leaves {now} to run time in serverless (event) modes.
  if (event_mode)
    vars.set_deferred("now");
  else
    vars.set_date("now", std::chrono::system_clock::now());
  return vars;
}

Json format_string(const std::string& text, const Variables& vars) {
  if (text.find_first_of("{}") == std::string::npos) return text;
  try {
    std::vector<Piece> pieces = parse_and_resolve(text, vars, 2);
    if (pieces.size() == 1 && !pieces[0].literal && pieces[0].spec.empty())
      return to_json(pieces[0].object);
    std::string out;
    for (const Piece& piece : pieces)
      out += piece.literal ? piece.text : format_field(piece.object, piece.spec);
    return out;
  } catch (const MissingVariable&) {
    return text;
  } catch (const InputError& e) {
    throw InputError("cannot expand variables in '" + text + "': " + e.what());
  }
}

Json format_string_values(const Json& data, const Variables& vars) {
  if (data.is_string()) return format_string(data.get_ref<const std::string&>(), vars);
  if (!data.is_structured()) return data;
  Json out = data;
  for (auto& item : out.items()) item.value() = format_string_values(item.value(), vars);
  return out;
}

}  // namespace custos::policy
