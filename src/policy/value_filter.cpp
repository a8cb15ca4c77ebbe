#include "policy/value_filter.h"

#include <fnmatch.h>

#include <algorithm>
#include <optional>

#include "policy/core_filters.h"
#include "policy/registry.h"

namespace custos::policy {
namespace {

bool is_none(const Json* value) { return value == nullptr || value->is_null(); }

// Python's truth value of a JSON value.
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

// Python's ordering; nullopt where Python raises TypeError (which never matches).
std::optional<int> python_compare(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_number_float() || b.is_number_float()) {
      double x = a.get<double>(), y = b.get<double>();
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    // Integers of either signedness (nlohmann keeps non-negative JSON integers unsigned).
    auto wide = [](const Json& n) -> __int128 {
      return n.is_number_unsigned() ? __int128(n.get<std::uint64_t>()) : n.get<std::int64_t>();
    };
    auto x = wide(a), y = wide(b);
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_string() && b.is_string()) {
    int c = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (a.is_array() && b.is_array()) {
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
      if (a[i] == b[i]) continue;
      return python_compare(a[i], b[i]);
    }
    return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
  }
  return std::nullopt;
}

// Python's `item in container`; nullopt where Python raises TypeError.
std::optional<bool> python_in(const Json* item, const Json& container) {
  static const Json none;
  const Json& x = item ? *item : none;
  if (container.is_array())
    return std::any_of(container.begin(), container.end(), [&](const Json& e) { return e == x; });
  if (container.is_object()) return x.is_string() && container.contains(x.get<std::string>());
  if (container.is_string() && x.is_string())
    return container.get_ref<const std::string&>().find(x.get_ref<const std::string&>()) !=
           std::string::npos;
  return std::nullopt;
}

// set(a) minus set(b) (difference) or set(a) and set(b) (intersect), non-empty?
bool any_element(const Json* a, const Json& b, bool want_in_b) {
  if (!a || !a->is_array() || !b.is_array()) return false;
  return std::any_of(a->begin(), a->end(), [&](const Json& e) {
    bool in_b = std::find(b.begin(), b.end(), e) != b.end();
    return in_b == want_in_b;
  });
}

const std::vector<std::string>& operator_names() {
  static const std::vector<std::string> names = {
      "eq",         "equal", "ne",        "not-equal", "gt",       "greater-than", "ge",
      "gte",        "lt",    "less-than", "le",        "lte",      "glob",         "regex",
      "regex-case", "in",    "ni",        "not-in",    "contains", "difference",   "intersect"};
  return names;
}

// Canonical name of an operator alias.
std::string canonical(const std::string& op) {
  if (op == "equal") return "eq";
  if (op == "not-equal") return "ne";
  if (op == "greater-than") return "gt";
  if (op == "gte") return "ge";
  if (op == "less-than") return "lt";
  if (op == "lte") return "le";
  if (op == "ni") return "not-in";
  return op;
}

bool compare_op(const std::string& op, const Json* actual, const Json& expected) {
  if (is_none(actual)) return false;
  auto order = python_compare(*actual, expected);
  if (!order) return false;
  if (op == "gt") return *order > 0;
  if (op == "ge") return *order >= 0;
  if (op == "lt") return *order < 0;
  return *order <= 0;  // le
}

}  // namespace

ValueKey::ValueKey(std::string text, const Spec& key_spec) : text_(std::move(text)) {
  if (text_.rfind("tag:", 0) == 0) {
    tag_ = text_.substr(4);
    return;
  }
  try {
    expression_ = std::make_unique<jmespath::Expression>(jmespath::Expression::compile(text_));
  } catch (const jmespath::Error& e) {
    key_spec.fail("invalid key '" + text_ + "': " + e.what());
  }
}

const Json* ValueKey::lookup(const Json& document, Json& scratch) const {
  if (!tag_.empty()) {
    auto tags = document.find("Tags");
    if (tags == document.end() || !tags->is_array()) return nullptr;
    for (const Json& tag : *tags) {
      auto key = tag.find("Key");
      if (key != tag.end() && *key == tag_) {
        auto value = tag.find("Value");
        return value == tag.end() ? nullptr : &*value;
      }
    }
    return nullptr;
  }
  if (document.is_object()) {
    auto direct = document.find(text_);
    if (direct != document.end()) return &*direct;
  }
  if (expression_->is_path()) return expression_->find_path(document);
  scratch = expression_->search(document);
  return scratch.is_null() ? nullptr : &scratch;
}

ValueCondition::ValueCondition(const Spec& value_spec, const Spec& op_spec, std::string op)
    : value_(value_spec.value()), op_(canonical(op)) {
  const auto& names = operator_names();
  if (!op.empty() && std::find(names.begin(), names.end(), op) == names.end()) {
    std::string known;
    for (const auto& name : names) known += (known.empty() ? "" : ", ") + name;
    op_spec.fail("unknown operator '" + op + "' (known: " + known + ")");
  }
  bool needs_string = op_ == "regex" || op_ == "regex-case" || op_ == "glob";
  if (needs_string && !value_.is_string())
    value_spec.fail("op '" + op + "' needs a string value, not " + json_type_name(value_));
  if ((op_ == "in" || op_ == "not-in" || op_ == "difference" || op_ == "intersect") &&
      !value_.is_array() && !value_.is_string())
    value_spec.fail("op '" + op + "' needs a list value, not " + json_type_name(value_));
  if (op_ == "regex" || op_ == "regex-case") {
    try {
      regex_ = std::make_unique<Regex>(value_.get<std::string>(), op_ == "regex");
    } catch (const InputError& e) {
      value_spec.fail(e.what());
    }
  }
}

ValueCondition::ValueCondition(ValueCondition&&) noexcept = default;
ValueCondition::~ValueCondition() = default;

bool ValueCondition::test(const Json* actual) const {
  static const Json empty_tuple = Json::array();
  if ((op_ == "in" || op_ == "not-in") && is_none(actual)) actual = &empty_tuple;
  if (value_.is_string()) {
    const auto& v = value_.get_ref<const std::string&>();
    if (v == "absent" && is_none(actual)) return true;
    if (v == "present" && !is_none(actual)) return true;
    if (v == "not-null" && truthy(actual)) return true;
    if (v == "empty" && !truthy(actual)) return true;
  }
  if (op_.empty() || op_ == "eq") return is_none(actual) ? value_.is_null() : *actual == value_;
  if (op_ == "ne") return is_none(actual) ? !value_.is_null() : *actual != value_;
  if (op_ == "gt" || op_ == "ge" || op_ == "lt" || op_ == "le")
    return compare_op(op_, actual, value_);
  if (op_ == "glob")  // Python's fnmatch has no escapes: a backslash matches itself
    return actual && actual->is_string() &&
           fnmatch(value_.get_ref<const std::string&>().c_str(),
                   actual->get_ref<const std::string&>().c_str(), FNM_NOESCAPE) == 0;
  if (op_ == "regex" || op_ == "regex-case")
    return actual && actual->is_string() &&
           regex_->match_start(actual->get_ref<const std::string&>());
  if (op_ == "in") return python_in(actual, value_).value_or(false);
  if (op_ == "not-in") {
    auto in = python_in(actual, value_);
    return in.has_value() && !*in;
  }
  if (op_ == "contains") return actual && python_in(&value_, *actual).value_or(false);
  if (op_ == "difference") return any_element(actual, value_, false);
  return any_element(actual, value_, true);  // intersect
}

ValueMatcher::ValueMatcher(const Spec& spec) {
  const Json& data = spec.value();
  if (!data.is_object())
    spec.fail("write a value filter as {type: value, key: ..., value: ...} or {KEY: VALUE}");
  if (!data.contains("type") && data.size() == 1) {  // {KEY: VALUE} shorthand
    Spec key_spec = spec.child(data.begin().key()).at_key();
    key_ = std::make_unique<ValueKey>(data.begin().key(), key_spec);
    condition_ = std::make_unique<ValueCondition>(key_spec, key_spec, "");
    return;
  }
  spec.allow_keys({"key", "value", "op"}, "the " + data.value("type", "value") + " filter");
  if (!spec.has("key")) spec.fail("value filter needs a 'key' (what to compare)");
  if (!spec.has("value")) spec.fail("value filter needs a 'value' (what to compare it with)");
  Spec key_spec = spec.child("key");
  if (!key_spec.value().is_string())
    key_spec.fail("'key' must be a string, not " + json_type_name(key_spec.value()));
  key_ = std::make_unique<ValueKey>(key_spec.value().get<std::string>(), key_spec);
  Spec op_spec = spec.has("op") ? spec.child("op") : spec;
  std::string op = spec.optional_string("op");
  if (spec.has("op") && op.empty()) op_spec.fail("'op' is empty (leave it out to test equality)");
  condition_ = std::make_unique<ValueCondition>(spec.child("value"), op_spec, op);
}

bool ValueMatcher::matches(const Json& document) const {
  Json scratch;
  return condition_->test(key_->lookup(document, scratch));
}

namespace {
class ValueFilter : public Filter {
 public:
  explicit ValueFilter(const Spec& spec) : matcher_(spec) {}
  bool match(const Json& resource, const FilterContext& context) const override {
    bool matched = matcher_.matches(resource);
    if (matched && context.matched_keys) context.matched_keys->push_back(matcher_.key_text());
    return matched;
  }

 private:
  ValueMatcher matcher_;
};
}  // namespace

void register_value_filter(Registry& registry) {
  registry.add_filter("value", [](const Spec& spec, const BuildContext&) -> FilterPtr {
    return std::make_unique<ValueFilter>(spec);
  });
}

}  // namespace custos::policy
