#include "policy/related_filter.h"

#include <algorithm>

namespace custos::policy {

RelatedValueFilter::RelatedValueFilter(const Spec& spec, RelatedData related,
                                       const ValueMatcher::Options& options, std::string block)
    : related_(std::move(related)), matcher_(spec, options), block_(std::move(block)) {
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
  if (!resource.contains(related_.annotation_key))
    resource[related_.annotation_key] =
        related_.fetch(resource, require_client(context, related_.annotation_key));
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
  bool any = !matched.empty();
  if (annotate && !related_.matched_key.empty())
    merge_matched(resource, related_.matched_key, std::move(matched), block_);
  return any;
}

void merge_matched(Json& resource, const std::string& key, Json matched, const std::string& block) {
  auto earlier = resource.find(key);
  if (earlier == resource.end() || !earlier->is_array()) {
    resource[key] = std::move(matched);
    return;
  }
  auto in = [](const Json& list, const Json& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
  };
  Json merged = Json::array();
  if (block == "or") {
    // union_list: this filter's items, then the earlier ones it did not match.
    merged = std::move(matched);
    for (const Json& item : *earlier)
      if (!in(merged, item)) merged.push_back(item);
  } else {
    for (Json& item : matched)  // intersect_list
      if (in(*earlier, item)) merged.push_back(std::move(item));
  }
  *earlier = std::move(merged);
}

ValueMatcher::Options related_options(std::string default_key, bool match_operator) {
  ValueMatcher::Options options{.extra_keys = {}, .default_key = std::move(default_key)};
  if (match_operator) options.extra_keys.push_back("match-operator");
  return options;
}

FilterInfo related_filter_info(RelatedData related, std::string description,
                               std::string default_key) {
  FilterInfo info;
  ValueMatcher::Options options = related_options(std::move(default_key), related.match_operator);
  info.factory = [related, options](const Spec& spec, const BuildContext& context) -> FilterPtr {
    if (!spec.value().is_object())
      spec.fail("write this filter as a mapping: {type: ..., key: ..., value: ...}");
    return std::make_unique<RelatedValueFilter>(spec, related, options, context.block);
  };
  info.description = std::move(description);
  info.options = value_filter_options(options.extra_keys);
  info.permissions = related.permissions;
  return info;
}

}  // namespace custos::policy
