// Cloud Custodian's reduce filter (c7n/filters/core.py ReduceFilter): group the resources,
// sort each group, then keep the first few of each.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <random>
#include <unordered_map>

#include "policy/core_filters.h"
#include "policy/python_text.h"
#include "policy/regex.h"
#include "policy/registry.h"
#include "policy/spec_numbers.h"
#include "policy/value_filter.h"
#include "policy/value_type.h"

namespace custos::policy {
namespace {

enum class Order { kAsc, kDesc, kReverse, kRandomize };
enum class ValueType { kString, kNumber, kDate };

// A group or sort key: text (value_type string) or a number (number, and date as epoch
// seconds); one config yields only one kind, so comparing both parts orders either.
struct SortValue {
  std::string text;
  double number = 0;

  bool operator<(const SortValue& other) const {
    return text != other.text ? text < other.text : number < other.number;
  }
  // Stands for Python's str(v), which names a group: equal values share one.
  std::string group_name() const {
    char digits[32];
    std::snprintf(digits, sizeof digits, "%.17g", number);
    return text + '\0' + digits;
  }
};

std::optional<double> python_float(const Json& value) {
  if (value.is_number()) return value.get<double>();
  if (value.is_boolean()) return value.get<bool>() ? 1.0 : 0.0;
  if (!value.is_string()) return std::nullopt;
  const std::string& text = value.get_ref<const std::string&>();
  char* end = nullptr;
  double number = std::strtod(text.c_str(), &end);
  while (end && std::isspace(static_cast<unsigned char>(*end))) ++end;
  if (end == text.c_str() || *end != '\0') return std::nullopt;
  return number;
}

// group-by or sort-by: where to read the value and as what (Cloud Custodian's sort config).
class SortConfig {
 public:
  SortConfig(const Spec& filter, std::string_view option, Order order, bool nulls_first) {
    std::optional<Spec> key_spec;
    std::string what = "'" + std::string(option) + "'";
    if (filter.has(option)) {
      Spec config = filter.child(option);
      if (config.value().is_object()) {
        config.allow_keys({"key", "value_type", "value_regex"}, what);
        if (config.has("value_regex")) regex_ = value_regex(config.child("value_regex"));
        type_ = value_type(config);
        if (config.has("key")) key_spec = config.child("key");
      } else {
        key_spec = config;
      }
    }
    if (key_spec && !key_spec->value().is_string())
      key_spec->fail(what + " must be a key or {key: ..., value_type: ...}, not " +
                     json_type_name(key_spec->value()));
    if (key_spec)
      key_ =
          std::make_unique<ValueKey>(key_spec->value().get<std::string>(), *key_spec, regex_.get());
    null_ = null_value(nulls_first, order);
  }

  SortValue value_of(const Json& resource) const {
    if (!key_) return null_;
    Json scratch;
    const Json* found = key_->lookup(resource, scratch);
    if (!found || found->is_null()) return null_;
    switch (type_) {
      case ValueType::kString:
        return {python_str(*found), 0};
      case ValueType::kNumber: {
        auto number = python_float(*found);
        return number ? SortValue{"", *number} : null_;
      }
      case ValueType::kDate: {
        auto micros = value_type::parse_date(*found);
        return micros ? SortValue{"", static_cast<double>(*micros)} : null_;
      }
    }
    return null_;
  }

 private:
  static ValueType value_type(const Spec& config) {
    std::string name = config.optional_string("value_type", "string");
    if (name == "string") return ValueType::kString;
    if (name == "number") return ValueType::kNumber;
    if (name == "date") return ValueType::kDate;
    config.child("value_type")
        .fail("unknown value_type '" + name + "' (known: string, number, date)");
  }

  // Cloud Custodian's _validate_value_regex: it must compile and capture exactly one group.
  static std::unique_ptr<Regex> value_regex(const Spec& spec) {
    if (!spec.value().is_string())
      spec.fail("'value_regex' must be a string, not " + json_type_name(spec.value()));
    std::unique_ptr<Regex> regex;
    try {
      regex = std::make_unique<Regex>(spec.value().get<std::string>(), false);
    } catch (const InputError& e) {
      spec.fail(std::string("invalid value_regex: ") + e.what());
    }
    if (regex->capture_count() != 1)
      spec.fail("value_regex must have a single capturing group, like 'env-(\\w+)'");
    return regex;
  }

  // What a missing value sorts as: before or after every other value of its type.
  SortValue null_value(bool nulls_first, Order order) const {
    bool sorts_first = nulls_first != (order == Order::kDesc);
    double infinity = std::numeric_limits<double>::infinity();
    if (type_ != ValueType::kString) return {"", sorts_first ? -infinity : infinity};
    return {sorts_first ? "" : "\xEF\xBF\xBF", 0};  // '' or '\uffff'
  }

  std::unique_ptr<Regex> regex_;  // before key_, which refers to it
  std::unique_ptr<ValueKey> key_;
  ValueType type_ = ValueType::kString;
  SortValue null_;
};

Order order_option(const Spec& spec) {
  std::string name = spec.optional_string("order", "asc");
  if (name == "asc") return Order::kAsc;
  if (name == "desc") return Order::kDesc;
  if (name == "reverse") return Order::kReverse;
  if (name == "randomize") return Order::kRandomize;
  spec.child("order").fail("unknown order '" + name + "' (known: asc, desc, reverse, randomize)");
}

bool nulls_first_option(const Spec& spec) {
  std::string name = spec.optional_string("null-order", "last");
  if (name != "first" && name != "last")
    spec.child("null-order").fail("unknown null-order '" + name + "' (known: first, last)");
  return name == "first";
}

class ReduceFilter : public Filter {
 public:
  explicit ReduceFilter(const Spec& spec)
      : order_(order_option(spec)),
        group_by_(spec, "group-by", order_, nulls_first_option(spec)),
        sort_by_(spec, "sort-by", order_, nulls_first_option(spec)),
        sorts_(spec.has("sort-by") || spec.has("order")),
        sorts_groups_(spec.has("group-by") || spec.has("order")),
        limit_(integer_option(spec, "limit", 0)),
        limit_percent_(number_option(spec, "limit-percent", 0, 0, 100)),
        discard_(integer_option(spec, "discard", 0)),
        discard_percent_(number_option(spec, "discard-percent", 0, 0, 100)) {}

  bool match(const Json& resource, const FilterContext& context) const override {
    return !process({resource}, context).empty();
  }

  bool judges_set() const override { return true; }
  std::vector<Json> process(std::vector<Json> resources, const FilterContext&) const override {
    std::vector<Group> groups;
    std::unordered_map<std::string, std::size_t> named;
    for (Json& resource : resources) {
      SortValue key = group_by_.value_of(resource);
      auto [at, added] = named.try_emplace(key.group_name(), groups.size());
      if (added) groups.push_back({key, {}});
      groups[at->second].resources.push_back(std::move(resource));
    }
    if (sorts_)
      for (Group& group : groups) {
        std::vector<SortValue> keys;
        for (const Json& resource : group.resources) keys.push_back(sort_by_.value_of(resource));
        group.resources = permute(std::move(group.resources), reorder(keys));
      }
    std::vector<SortValue> group_keys;
    for (const Group& group : groups) group_keys.push_back(group.key);
    std::vector<std::size_t> ordered(groups.size());
    std::iota(ordered.begin(), ordered.end(), 0);
    if (sorts_groups_) ordered = reorder(group_keys);
    return limit(groups, ordered);
  }

 private:
  struct Group {
    SortValue key;
    std::vector<Json> resources;
  };

  // The order in which to take items with these keys: Python's stable sorted(), reversed,
  // or shuffled.
  std::vector<std::size_t> reorder(const std::vector<SortValue>& keys) const {
    std::vector<std::size_t> order(keys.size());
    std::iota(order.begin(), order.end(), 0);
    if (order_ == Order::kRandomize) {
      std::shuffle(order.begin(), order.end(), std::mt19937(std::random_device{}()));
    } else if (order_ == Order::kReverse) {
      std::reverse(order.begin(), order.end());
    } else {
      bool descending = order_ == Order::kDesc;  // reverse=True keeps ties in their order
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return descending ? keys[b] < keys[a] : keys[a] < keys[b];
      });
    }
    return order;
  }

  static std::vector<Json> permute(std::vector<Json> items, const std::vector<std::size_t>& order) {
    std::vector<Json> out;
    out.reserve(items.size());
    for (std::size_t i : order) out.push_back(std::move(items[i]));
    return out;
  }

  std::vector<Json> limit(std::vector<Group>& groups,
                          const std::vector<std::size_t>& ordered) const {
    std::vector<Json> kept;
    // As in Cloud Custodian, the number discarded only grows from one group to the next.
    long long drop = discard_;
    for (std::size_t g : ordered) {
      auto& resources = groups[g].resources;
      auto size = static_cast<long long>(resources.size());
      if (discard_percent_ > 0)
        drop = std::max(drop, static_cast<long long>(discard_percent_ / 100 * size));
      long long start = std::min(drop, size);
      long long count = size - start;
      if (limit_percent_ > 0) count = static_cast<long long>(limit_percent_ / 100 * count);
      if (limit_ > 0 && limit_ < count) count = limit_;
      for (long long i = start; i < start + count; ++i) kept.push_back(std::move(resources[i]));
    }
    return kept;
  }

  Order order_;
  SortConfig group_by_;
  SortConfig sort_by_;
  bool sorts_;
  bool sorts_groups_;
  long long limit_;
  double limit_percent_;
  long long discard_;
  double discard_percent_;
};

}  // namespace

void register_reduce_filter(Registry& registry) {
  FilterInfo info;
  info.description = "Group, sort and limit the matched resources (keep N per group)";
  info.options = {"group-by", "sort-by",       "order",   "null-order",
                  "limit",    "limit-percent", "discard", "discard-percent"};
  info.factory = [options = info.options](const Spec& spec, const BuildContext&) -> FilterPtr {
    if (!spec.value().is_object()) spec.fail("write reduce as {type: reduce, ...}");
    spec.allow_keys(options, "the reduce filter");
    return std::make_unique<ReduceFilter>(spec);
  };
  registry.add_filter("reduce", std::move(info));
}

}  // namespace custos::policy
