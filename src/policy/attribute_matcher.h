// One attribute of Cloud Custodian's MultiAttrFilter (guard-duty, IAM's usage): {KEY: VALUE},
// KEY equal to VALUE, or {KEY: {a value filter}} with KEY as its default key.
#pragma once

#include <optional>
#include <string>

#include "core/json.h"
#include "policy/spec.h"
#include "policy/value_filter.h"

namespace custos::policy {

class AttributeMatcher {
 public:
  // `spec` is the filter's mapping; `key` one of its keys.
  AttributeMatcher(const Spec& spec, const std::string& key);
  bool matches(const Json& target) const;

 private:
  std::optional<ValueMatcher> filter_;
  std::optional<ValueKey> key_;
  std::optional<ValueCondition> condition_;
};

}  // namespace custos::policy
