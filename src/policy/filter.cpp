#include "policy/filter.h"

namespace custos::policy {

std::vector<Json> Filter::process(std::vector<Json> resources, const FilterContext& context) const {
  std::vector<Json> kept;
  std::vector<std::string> keys;
  FilterContext local = context;
  local.matched_keys = context.annotate ? &keys : nullptr;
  for (Json& resource : resources) {
    keys.clear();
    if (!match(resource, local)) continue;
    // Appended as Cloud Custodian's set_annotation does: a key that matched twice shows twice.
    for (auto& key : keys) resource["c7n:MatchedFilters"].push_back(std::move(key));
    kept.push_back(std::move(resource));
  }
  return kept;
}

}  // namespace custos::policy
