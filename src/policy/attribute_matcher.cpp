#include "policy/attribute_matcher.h"

namespace custos::policy {

AttributeMatcher::AttributeMatcher(const Spec& spec, const std::string& key) {
  Spec value = spec.child(key);
  if (value.value().is_object()) {
    filter_.emplace(value, ValueMatcher::Options{.extra_keys = {}, .default_key = key});
  } else {
    key_.emplace(key, value.at_key());
    condition_.emplace(value, value, "eq");
  }
}

bool AttributeMatcher::matches(const Json& target) const {
  if (filter_) return filter_->matches(target);
  Json scratch;
  return condition_->test(key_->lookup(target, scratch));
}

}  // namespace custos::policy
