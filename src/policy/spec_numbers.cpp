#include "policy/spec_numbers.h"

#include <cmath>
#include <map>

namespace custos::policy {
namespace {

std::string show(double bound) {
  Json number = bound == std::floor(bound) ? Json(static_cast<long long>(bound)) : Json(bound);
  return number.dump();
}

}  // namespace

double number_option(const Spec& spec, std::string_view key, double fallback, double min,
                     double max) {
  if (!spec.has(key)) return fallback;
  Spec option = spec.child(key);
  const Json& value = option.value();
  std::string name = "'" + std::string(key) + "'";
  if (!value.is_number()) option.fail(name + " must be a number, not " + json_type_name(value));
  double number = value.get<double>();
  if (number < min || number > max)
    option.fail(
        name + " must be " +
        (std::isinf(max) ? "at least " + show(min) : "between " + show(min) + " and " + show(max)) +
        ", not " + value.dump());
  return number;
}

long long integer_option(const Spec& spec, std::string_view key, long long fallback) {
  double number = number_option(spec, key, static_cast<double>(fallback));
  if (number != std::floor(number))
    spec.child(key).fail("'" + std::string(key) + "' must be a whole number, not " +
                         spec.child(key).value().dump());
  return static_cast<long long>(number);
}

std::function<bool(double, double)> comparison_option(const Spec& spec, std::string_view key,
                                                      const std::string& fallback) {
  using Compare = std::function<bool(double, double)>;
  static const std::map<std::string, Compare> kOperators = {
      {"eq", std::equal_to<>()},      {"equal", std::equal_to<>()},
      {"ne", std::not_equal_to<>()},  {"not-equal", std::not_equal_to<>()},
      {"gt", std::greater<>()},       {"greater-than", std::greater<>()},
      {"ge", std::greater_equal<>()}, {"gte", std::greater_equal<>()},
      {"lt", std::less<>()},          {"less-than", std::less<>()},
      {"le", std::less_equal<>()},    {"lte", std::less_equal<>()}};
  std::vector<std::string> names;
  for (const auto& [name, _] : kOperators) names.push_back(name);
  return kOperators.at(spec.one_of(key, names, fallback));
}

}  // namespace custos::policy
