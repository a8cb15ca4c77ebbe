// Numeric options of filters and actions, checked against the bounds of Cloud Custodian's
// schema, failing at the option's file:line:col.
#pragma once

#include <functional>
#include <limits>
#include <string>
#include <string_view>

#include "policy/spec.h"

namespace custos::policy {

// The number at `key` (fallback when absent), within [min, max].
double number_option(const Spec& spec, std::string_view key, double fallback, double min = 0,
                     double max = std::numeric_limits<double>::infinity());
// The same, but a whole number (counts, slice sizes).
long long integer_option(const Spec& spec, std::string_view key, long long fallback);
// Cloud Custodian's comparison operator at `key` (eq/equal, ne/not-equal, gt/greater-than,
// ge/gte, lt/less-than, le/lte), `fallback` when absent, as op(a, b).
std::function<bool(double, double)> comparison_option(const Spec& spec, std::string_view key,
                                                      const std::string& fallback);

}  // namespace custos::policy
