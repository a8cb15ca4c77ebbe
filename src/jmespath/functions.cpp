// The built-in functions with their signatures; argument types are checked before each call.
#include "jmespath/functions.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

#include "jmespath/jmespath.h"

namespace custos::jmespath::detail {

// Parameter types, as a bit set of what a parameter accepts.
enum Type : unsigned {
  kNumber = 1U << 0,
  kString = 1U << 1,
  kBoolean = 1U << 2,
  kArray = 1U << 3,
  kObject = 1U << 4,
  kNull = 1U << 5,
  kExpRef = 1U << 6,
  kArrayNumber = 1U << 7,
  kArrayString = 1U << 8,
  kAny = kNumber | kString | kBoolean | kArray | kObject | kNull,
};

struct Arg {
  Value value;
  const Node* expref = nullptr;  // set for `&expr` arguments
};
using Args = std::vector<Arg>;

struct Function {
  std::string_view name;
  std::vector<unsigned> params;
  bool variadic;  // the last parameter repeats (at least once)
  Value (*impl)(Args& args);
};

namespace {

[[noreturn]] void type_error(const std::string& what) { throw Error("invalid-type", what); }

std::string type_name(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return "boolean";
    case Json::value_t::string:
      return "string";
    case Json::value_t::array:
      return "array";
    case Json::value_t::object:
      return "object";
    default:
      return "number";
  }
}

std::string describe(unsigned types) {
  static constexpr std::pair<unsigned, std::string_view> kNames[] = {
      {kNumber, "number"},
      {kString, "string"},
      {kBoolean, "boolean"},
      {kArray, "array"},
      {kObject, "object"},
      {kNull, "null"},
      {kExpRef, "&expression"},
      {kArrayNumber, "array of numbers"},
      {kArrayString, "array of strings"}};
  if ((types & kAny) == kAny) return "any value";
  std::string out;
  for (const auto& [bit, name] : kNames) {
    if (types & bit) out += (out.empty() ? "" : " or ") + std::string(name);
  }
  return out;
}

bool all_of_type(const Json& array, bool (Json::*is)() const noexcept) {
  return std::all_of(array.begin(), array.end(), [is](const Json& j) { return (j.*is)(); });
}

bool accepts(unsigned types, const Arg& arg) {
  if (arg.expref) return types & kExpRef;
  const Json& j = arg.value.get();
  switch (j.type()) {
    case Json::value_t::null:
      return types & kNull;
    case Json::value_t::boolean:
      return types & kBoolean;
    case Json::value_t::string:
      return types & kString;
    case Json::value_t::object:
      return types & kObject;
    case Json::value_t::array:
      return (types & kArray) || ((types & kArrayNumber) && all_of_type(j, &Json::is_number)) ||
             ((types & kArrayString) && all_of_type(j, &Json::is_string));
    default:
      return types & kNumber;
  }
}

void check_types(const Function& f, const Args& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const unsigned types = f.params[std::min(i, f.params.size() - 1)];
    if (accepts(types, args[i])) continue;
    type_error(fmt::format("{}() argument {} must be {}, got {}", f.name, i + 1, describe(types),
                           args[i].expref ? "&expression" : type_name(args[i].value.get())));
  }
}

const std::string& str(const Arg& arg) { return arg.value.get().get_ref<const std::string&>(); }
double num(const Json& j) { return j.get<double>(); }

// A whole double as an integer when it fits, so that floor(`1.5`) is 1 like in Python.
Json integral(double d) {
  if (d >= -9.2e18 && d <= 9.2e18) return Json(static_cast<std::int64_t>(d));
  return Json(d);
}

std::size_t code_points(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

Value of(Json j) { return Value(std::move(j)); }

Value fn_abs(Args& a) {
  const Json& n = a[0].value.get();
  if (n.is_number_float()) return of(std::fabs(num(n)));
  const auto i = n.get<std::int64_t>();
  if (n.is_number_unsigned() || i >= 0) return std::move(a[0].value);
  return of(std::uint64_t{0} - static_cast<std::uint64_t>(i));  // exact even for INT64_MIN
}

Value fn_avg(Args& a) {
  const Json& list = a[0].value.get();
  if (list.empty()) return Value();
  double sum = 0;
  for (const Json& n : list) sum += num(n);
  return of(sum / static_cast<double>(list.size()));
}

Value rounded(Args& a, double (*round)(double)) {
  const Json& n = a[0].value.get();
  if (n.is_number_integer()) return std::move(a[0].value);
  return of(integral(round(num(n))));
}
Value fn_ceil(Args& a) {
  return rounded(a, [](double d) { return std::ceil(d); });
}
Value fn_floor(Args& a) {
  return rounded(a, [](double d) { return std::floor(d); });
}

Value fn_contains(Args& a) {
  const Json& subject = a[0].value.get();
  const Json& search = a[1].value.get();
  if (subject.is_string()) {
    return of(search.is_string() && str(a[0]).find(str(a[1])) != std::string::npos);
  }
  return of(std::find(subject.begin(), subject.end(), search) != subject.end());
}

Value fn_ends_with(Args& a) { return of(std::string_view(str(a[0])).ends_with(str(a[1]))); }
Value fn_starts_with(Args& a) { return of(std::string_view(str(a[0])).starts_with(str(a[1]))); }

Value fn_join(Args& a) {
  std::string out;
  bool first = true;
  for (const Json& s : a[1].value.get()) {
    if (!first) out += str(a[0]);
    first = false;
    out += s.get_ref<const std::string&>();
  }
  return of(std::move(out));
}

// Cloud Custodian's split(sep, string): Python's string.split(sep).
Value fn_split(Args& a) {
  std::string_view sep = str(a[0]), text = str(a[1]);
  if (sep.empty()) throw Error("invalid-value", "split: empty separator");
  Json out = Json::array();
  for (std::size_t at = 0;;) {
    std::size_t next = text.find(sep, at);
    out.push_back(std::string(text.substr(at, next - at)));
    if (next == std::string_view::npos) break;
    at = next + sep.size();
  }
  return of(std::move(out));
}

Value fn_keys(Args& a) {
  Json out = Json::array();
  for (const auto& [key, value] : a[0].value.get().items()) out.push_back(key);
  return of(std::move(out));
}

Value fn_values(Args& a) {
  Json out = Json::array();
  for (const Json& value : a[0].value.get()) out.push_back(a[0].value.extract(value));
  return of(std::move(out));
}

Value fn_length(Args& a) {
  const Json& j = a[0].value.get();
  if (j.is_string()) return of(code_points(j.get_ref<const std::string&>()));
  return of(j.size());
}

Value fn_map(Args& a) {
  Json out = Json::array();
  for (const Json& item : a[1].value.get()) {
    out.push_back(a[1].value.detach(evaluate(*a[0].expref, item)).take());
  }
  return of(std::move(out));
}

// The sort keys of `items` under `key` (the items themselves when null): all numbers or all
// strings, else an invalid-type error naming `function`.
std::vector<Value> sort_keys(const Json& items, const Node* key, std::string_view function) {
  std::vector<Value> keys;
  keys.reserve(items.size());
  for (const Json& item : items) {
    keys.push_back(key ? evaluate(*key, item) : Value::borrowed(item));
    const Json& k = keys.back().get();
    const Json& first = keys.front().get();
    const bool comparable = k.is_number() ? first.is_number() : k.is_string() && first.is_string();
    if (!comparable) {
      type_error(fmt::format("{}() keys must be all numbers or all strings, got {} and {}",
                             function, type_name(first), type_name(k)));
    }
  }
  return keys;
}

// The element with the greatest (or, with `smallest`, least) key.
Value extreme(Args& a, const Node* key, std::string_view function, bool smallest) {
  const Json& items = a[0].value.get();
  if (items.empty()) return Value();
  const std::vector<Value> keys = sort_keys(items, key, function);
  const auto less = [](const Value& x, const Value& y) { return x.get() < y.get(); };
  const auto best = smallest ? std::min_element(keys.begin(), keys.end(), less)
                             : std::max_element(keys.begin(), keys.end(), less);
  return a[0].value.part(items[static_cast<std::size_t>(best - keys.begin())]);
}
Value fn_max(Args& a) { return extreme(a, nullptr, "max", false); }
Value fn_min(Args& a) { return extreme(a, nullptr, "min", true); }
Value fn_max_by(Args& a) { return extreme(a, a[1].expref, "max_by", false); }
Value fn_min_by(Args& a) { return extreme(a, a[1].expref, "min_by", true); }

Value sorted(Args& a, const Node* key, std::string_view function) {
  const Json& items = a[0].value.get();
  const std::vector<Value> keys = sort_keys(items, key, function);
  std::vector<std::size_t> order(items.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t x, std::size_t y) { return keys[x].get() < keys[y].get(); });
  Json out = Json::array();
  for (const std::size_t i : order) out.push_back(a[0].value.extract(items[i]));
  return of(std::move(out));
}
Value fn_sort(Args& a) { return sorted(a, nullptr, "sort"); }
Value fn_sort_by(Args& a) { return sorted(a, a[1].expref, "sort_by"); }

Value fn_merge(Args& a) {
  Json out = Json::object();
  for (Arg& arg : a) {
    for (const auto& [key, value] : arg.value.get().items()) out[key] = arg.value.extract(value);
  }
  return of(std::move(out));
}

Value fn_not_null(Args& a) {
  for (Arg& arg : a) {
    if (!arg.value.get().is_null()) return std::move(arg.value);
  }
  return Value();
}

Value fn_reverse(Args& a) {
  const Json& j = a[0].value.get();
  if (j.is_array()) {
    Json out = Json::array();
    for (auto it = j.rbegin(); it != j.rend(); ++it) out.push_back(a[0].value.extract(*it));
    return of(std::move(out));
  }
  const std::string& s = j.get_ref<const std::string&>();
  std::string out;
  out.reserve(s.size());
  for (std::size_t end = s.size(); end > 0;) {
    std::size_t start = end - 1;
    while (start > 0 && (s[start] & 0xC0) == 0x80) --start;
    out.append(s, start, end - start);
    end = start;
  }
  return of(std::move(out));
}

Value fn_sum(Args& a) {
  const Json& list = a[0].value.get();
  if (all_of_type(list, &Json::is_number_integer)) {
    std::int64_t sum = 0;
    for (const Json& n : list) sum += n.get<std::int64_t>();
    return of(sum);
  }
  double sum = 0;
  for (const Json& n : list) sum += num(n);
  return of(sum);
}

Value fn_to_array(Args& a) {
  if (a[0].value.get().is_array()) return std::move(a[0].value);
  return of(Json::array({std::move(a[0].value).take()}));
}

// Like Python's int() then float(): surrounding whitespace and a leading '+' are allowed.
Json parse_number(std::string_view s) {
  const std::size_t first = s.find_first_not_of(" \t\n\r");
  if (first == std::string_view::npos) return nullptr;
  s = s.substr(first, s.find_last_not_of(" \t\n\r") - first + 1);
  if (s.size() > 1 && s[0] == '+' && s[1] != '-') s.remove_prefix(1);
  const char* end = s.data() + s.size();
  std::int64_t i = 0;
  if (auto [p, ec] = std::from_chars(s.data(), end, i); ec == std::errc() && p == end) return i;
  double d = 0;
  if (auto [p, ec] = std::from_chars(s.data(), end, d); ec == std::errc() && p == end) {
    if (std::isfinite(d)) return d;
  }
  return nullptr;
}

Value fn_to_number(Args& a) {
  const Json& j = a[0].value.get();
  if (j.is_number()) return std::move(a[0].value);
  if (j.is_string()) return of(parse_number(j.get_ref<const std::string&>()));
  return Value();
}

Value fn_to_string(Args& a) {
  if (a[0].value.get().is_string()) return std::move(a[0].value);
  return of(a[0].value.get().dump(-1, ' ', true));
}

Value fn_type(Args& a) { return of(type_name(a[0].value.get())); }

const std::vector<Function>& functions() {
  static const std::vector<Function> kFunctions = {
      {"abs", {kNumber}, false, fn_abs},
      {"avg", {kArrayNumber}, false, fn_avg},
      {"ceil", {kNumber}, false, fn_ceil},
      {"contains", {kArray | kString, kAny}, false, fn_contains},
      {"ends_with", {kString, kString}, false, fn_ends_with},
      {"floor", {kNumber}, false, fn_floor},
      {"join", {kString, kArrayString}, false, fn_join},
      {"keys", {kObject}, false, fn_keys},
      {"length", {kString | kArray | kObject}, false, fn_length},
      {"map", {kExpRef, kArray}, false, fn_map},
      {"max", {kArrayNumber | kArrayString}, false, fn_max},
      {"max_by", {kArray, kExpRef}, false, fn_max_by},
      {"merge", {kObject}, true, fn_merge},
      {"min", {kArrayNumber | kArrayString}, false, fn_min},
      {"min_by", {kArray, kExpRef}, false, fn_min_by},
      {"not_null", {kAny}, true, fn_not_null},
      {"reverse", {kArray | kString}, false, fn_reverse},
      {"sort", {kArrayNumber | kArrayString}, false, fn_sort},
      {"sort_by", {kArray, kExpRef}, false, fn_sort_by},
      {"split", {kString, kString}, false, fn_split},
      {"starts_with", {kString, kString}, false, fn_starts_with},
      {"sum", {kArrayNumber}, false, fn_sum},
      {"to_array", {kAny}, false, fn_to_array},
      {"to_number", {kAny}, false, fn_to_number},
      {"to_string", {kAny}, false, fn_to_string},
      {"type", {kAny}, false, fn_type},
      {"values", {kObject}, false, fn_values},
  };
  return kFunctions;
}

}  // namespace

const Function* resolve_function(std::string_view name, std::size_t arg_count,
                                 std::string_view expression, std::size_t column) {
  const auto& all = functions();
  const auto it =
      std::find_if(all.begin(), all.end(), [&](const Function& f) { return f.name == name; });
  if (it == all.end()) {
    throw Error("unknown-function", fmt::format("unknown-function error at column {} in '{}': no "
                                                "function named {}()",
                                                column, expression, name));
  }
  const std::size_t wanted = it->params.size();
  if (it->variadic ? arg_count < wanted : arg_count != wanted) {
    throw Error(
        "invalid-arity",
        fmt::format("invalid-arity error at column {} in '{}': {}() takes {}{} "
                    "argument(s), got {}",
                    column, expression, name, it->variadic ? "at least " : "", wanted, arg_count));
  }
  return &*it;
}

Value call_function(const Function& function, const std::vector<NodePtr>& args,
                    const Json& current) {
  Args values(args.size());
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i]->kind == NodeKind::kExpRef) {
      values[i].expref = args[i]->children.front().get();
    } else {
      values[i].value = evaluate(*args[i], current);
    }
  }
  check_types(function, values);
  return function.impl(values);
}

}  // namespace custos::jmespath::detail
