#include "policy/value_type_python.h"

#include <cmath>
#include <cstdint>
#include <string_view>

namespace custos::policy::python {
namespace {

bool is_numeric(const Json& v) { return v.is_number() || v.is_boolean(); }

__int128 as_int(const Json& v) {
  if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
  if (v.is_number_unsigned()) return __int128(v.get<std::uint64_t>());
  return v.get<std::int64_t>();
}

double as_double(const Json& v) {
  return v.is_number_float() ? v.get<double>() : static_cast<double>(as_int(v));
}

Json int_json(__int128 n) {
  if (n >= 0 && n > INT64_MAX) return static_cast<std::uint64_t>(n);
  return static_cast<std::int64_t>(n);
}

template <typename T>
int sign_of(T x, T y) {
  return x < y ? -1 : (x > y ? 1 : 0);
}

// NaN orders with nothing (every comparison with it is False in Python).
std::optional<int> compare_numbers(const Json& a, const Json& b) {
  if (a.is_number_float() || b.is_number_float()) {
    double x = as_double(a), y = as_double(b);
    if (std::isnan(x) || std::isnan(y)) return std::nullopt;
    return sign_of(x, y);
  }
  return sign_of(as_int(a), as_int(b));
}

// An element of set(value): a JSON value, or one character of a string.
struct Item {
  const Json* json = nullptr;
  std::string_view text;  // when json is null
};

bool item_equal(const Item& a, const Item& b) {
  if (a.json && b.json) return equal(*a.json, *b.json);
  const Item& j = a.json ? a : b;
  const Item& t = a.json ? b : a;
  if (!j.json) return a.text == b.text;
  return j.json->is_string() && j.json->get_ref<const std::string&>() == t.text;
}

// Whether set(value) can be built: an iterable whose elements are all hashable.
bool settable(const Json* value) {
  if (!value) return false;
  if (value->is_string() || value->is_object()) return true;
  if (!value->is_array()) return false;
  for (const Json& e : *value)
    if (e.is_array() || e.is_object()) return false;
  return true;
}

std::size_t utf8_length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

// Calls f(item) for each element of the iterable `value` until f returns true; returns whether
// some call did.
template <typename F>
bool any_item(const Json& value, F&& f) {
  if (value.is_array()) {
    for (const Json& e : value)
      if (f(Item{&e, {}})) return true;
  } else if (value.is_object()) {
    for (const auto& [key, unused] : value.items())
      if (f(Item{nullptr, key})) return true;
  } else if (value.is_string()) {
    std::string_view s = value.get_ref<const std::string&>();
    for (std::size_t i = 0; i < s.size();) {
      std::size_t n = std::min(utf8_length(static_cast<unsigned char>(s[i])), s.size() - i);
      if (f(Item{nullptr, s.substr(i, n)})) return true;
      i += n;
    }
  }
  return false;
}

bool member(const Item& x, const Json& set) {
  return any_item(set, [&](const Item& y) { return item_equal(x, y); });
}

}  // namespace

bool is_none(const Json* value) { return value == nullptr || value->is_null(); }

bool truthy(const Json* value) {
  if (is_none(value)) return false;
  switch (value->type()) {
    case Json::value_t::boolean:
      return value->get<bool>();
    case Json::value_t::string:  // nlohmann's empty() is false for every string
      return !value->get_ref<const std::string&>().empty();
    case Json::value_t::array:
    case Json::value_t::object:
      return !value->empty();
    default:
      return value->get<double>() != 0;
  }
}

bool equal(const Json& a, const Json& b) {
  if (is_numeric(a) && is_numeric(b)) return compare_numbers(a, b) == 0;
  if (a.type() != b.type()) return false;
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!equal(a[i], b[i])) return false;
    return true;
  }
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (const auto& [key, value] : a.items()) {
      auto other = b.find(key);
      if (other == b.end() || !equal(value, *other)) return false;
    }
    return true;
  }
  return a == b;
}

std::optional<int> compare(const Json& a, const Json& b) {
  if (is_numeric(a) && is_numeric(b)) return compare_numbers(a, b);
  if (a.is_string() && b.is_string()) {
    int c = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
    return sign_of(c, 0);
  }
  if (a.is_array() && b.is_array()) {
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
      if (!equal(a[i], b[i])) return compare(a[i], b[i]);
    return sign_of(a.size(), b.size());
  }
  return std::nullopt;
}

std::optional<bool> in(const Json* item, const Json& container) {
  static const Json none;
  const Json& x = item ? *item : none;
  if (container.is_array()) {
    for (const Json& e : container)
      if (equal(e, x)) return true;
    return false;
  }
  if (container.is_object()) {
    if (x.is_array() || x.is_object()) return std::nullopt;  // unhashable
    return x.is_string() && container.contains(x.get_ref<const std::string&>());
  }
  if (container.is_string() && x.is_string())
    return container.get_ref<const std::string&>().find(x.get_ref<const std::string&>()) !=
           std::string::npos;
  return std::nullopt;
}

std::optional<bool> difference(const Json* a, const Json& b) {
  if (!settable(a) || !settable(&b)) return std::nullopt;
  return any_item(*a, [&](const Item& x) { return !member(x, b); });
}

std::optional<bool> intersect(const Json* a, const Json& b) {
  if (!settable(a) || !settable(&b)) return std::nullopt;
  return any_item(*a, [&](const Item& x) { return member(x, b); });
}

std::optional<Json> modulo(const Json* a, const Json& b) {
  if (!a || !is_numeric(*a) || !is_numeric(b)) return std::nullopt;
  if (a->is_number_float() || b.is_number_float()) {
    double x = as_double(*a), y = as_double(b);
    if (y == 0) return std::nullopt;
    double r = std::fmod(x, y);
    if (r == 0) return std::copysign(0.0, y);  // Python's remainder takes the divisor's sign
    return (r < 0) != (y < 0) ? r + y : r;
  }
  __int128 x = as_int(*a), y = as_int(b);
  if (y == 0) return std::nullopt;
  __int128 r = x % y;
  if (r != 0 && (r < 0) != (y < 0)) r += y;
  return int_json(r);
}

std::optional<std::size_t> length(const Json* value) {
  if (!value) return std::nullopt;
  if (value->is_array() || value->is_object()) return value->size();
  if (!value->is_string()) return std::nullopt;
  std::size_t n = 0;
  any_item(*value, [&](const Item&) { return ++n, false; });
  return n;
}

std::optional<std::size_t> unique_length(const Json* value) {
  if (!settable(value)) return std::nullopt;
  if (value->is_object()) return value->size();
  std::size_t unique = 0, index = 0;
  any_item(*value, [&](const Item& x) {
    std::size_t seen = 0;
    bool repeat =
        any_item(*value, [&](const Item& y) { return seen++ < index && item_equal(x, y); });
    unique += repeat ? 0 : 1;
    ++index;
    return false;
  });
  return unique;
}

}  // namespace custos::policy::python
