#include "policy/related_filter.h"

#include <algorithm>

namespace custos::policy {

RelatedValueFilter::RelatedValueFilter(const Spec& spec, RelatedData related,
                                       const ValueMatcher::Options& options)
    : related_(std::move(related)), matcher_(spec, options) {
  std::string op = spec.optional_string("match-operator", "or");
  if (op != "and" && op != "or")
    spec.child("match-operator").fail("'match-operator' must be 'and' or 'or', not '" + op + "'");
  and_operator_ = op == "and";
}

bool RelatedValueFilter::match(const Json& resource, const FilterContext& context) const {
  Json copy = resource;
  return judge(copy, context, false);
}

std::vector<Json> RelatedValueFilter::process(std::vector<Json> resources,
                                              const FilterContext& context) const {
  std::vector<Json> kept;
  for (Json& resource : resources)
    if (judge(resource, context, true)) kept.push_back(std::move(resource));
  return kept;
}

std::vector<std::string> RelatedValueFilter::permissions() const {
  std::vector<std::string> all = related_.permissions;
  for (auto& more : matcher_.permissions()) all.push_back(std::move(more));
  return all;
}

bool RelatedValueFilter::judge(Json& resource, const FilterContext& context, bool annotate) const {
  if (!resource.contains(related_.annotation_key)) {
    if (!context.client)
      throw Error("filter needs '" + related_.annotation_key +
                  "' from AWS, and this run makes no AWS calls (run the policy with custos run, "
                  "or evaluate resources.json written by one)");
    resource[related_.annotation_key] = related_.fetch(resource, *context.client);
  }
  const Json& data = resource[related_.annotation_key];
  if (!data.is_array()) return matcher_.matches(data, context);
  const Json* items = &data;
  if (and_operator_ && !related_.matched_key.empty() && resource.contains(related_.matched_key))
    items = &resource[related_.matched_key];
  Json matched = Json::array();
  for (const Json& item : *items) {
    if (!matcher_.matches(item, context)) continue;
    Json noted = item;
    if (!related_.match_type.empty()) noted["c7n:match-type"] = related_.match_type;
    matched.push_back(std::move(noted));
  }
  if (annotate && !related_.matched_key.empty() && !matched.empty()) {
    // Cloud Custodian's merge_annotation: items matched by earlier filters are kept once.
    Json& record = resource[related_.matched_key];
    if (!record.is_array()) record = Json::array();
    for (auto& item : matched)
      if (std::find(record.begin(), record.end(), item) == record.end()) record.push_back(item);
  }
  return !matched.empty();
}

ValueMatcher::Options related_options(std::string default_key) {
  return {.extra_keys = {"match-operator"}, .default_key = std::move(default_key)};
}

FilterInfo related_filter_info(RelatedData related, std::string description,
                               std::string default_key) {
  FilterInfo info;
  ValueMatcher::Options options = related_options(std::move(default_key));
  info.factory = [related, options](const Spec& spec, const BuildContext&) -> FilterPtr {
    if (!spec.value().is_object())
      spec.fail("write this filter as a mapping: {type: ..., key: ..., value: ...}");
    return std::make_unique<RelatedValueFilter>(spec, related, options);
  };
  info.description = std::move(description);
  info.options = {"key",         "value",         "op", "value_type", "value_from",
                  "value_regex", "match-operator"};
  return info;
}

}  // namespace custos::policy
