// Python's semantics on JSON values, as Cloud Custodian's operators see them: null is None and
// booleans are the integers 0 and 1. Where Python raises TypeError the answer is nullopt
// (c7n catches it and the filter does not match).
#pragma once

#include <cstddef>
#include <optional>

#include "core/json.h"

namespace custos::policy::python {

bool is_none(const Json* value);
// bool(value); a missing value is None.
bool truthy(const Json* value);
bool equal(const Json& a, const Json& b);
// -1, 0 or 1 as a < b, a == b, a > b.
std::optional<int> compare(const Json& a, const Json& b);
// `item in container` (a missing item is None).
std::optional<bool> in(const Json* item, const Json& container);
// bool(set(a).difference(b)) and bool(set(a).intersection(b)).
std::optional<bool> difference(const Json* a, const Json& b);
std::optional<bool> intersect(const Json* a, const Json& b);
// a % b on numbers; nullopt also on division by zero.
std::optional<Json> modulo(const Json* a, const Json& b);
// len(value) and len(set(value)); nullopt where Python raises TypeError.
std::optional<std::size_t> length(const Json* value);
std::optional<std::size_t> unique_length(const Json* value);

}  // namespace custos::policy::python
