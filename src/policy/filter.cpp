#include "policy/filter.h"

#include <set>

#include "core/error.h"

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

namespace {

class JsonMatcher : public StoredMatcher {
 public:
  JsonMatcher(const Filter& filter, const DocStore& store) : filter_(filter), store_(store) {}
  bool match(DocStore::Value document, const FilterContext& context) override {
    return filter_.match(store_.to_json(document), context);
  }

 private:
  const Filter& filter_;
  const DocStore& store_;
};

}  // namespace

std::vector<std::string> permissions_of(const std::vector<FilterPtr>& filters) {
  std::set<std::string> all;
  for (const FilterPtr& filter : filters) {
    auto needed = filter->permissions();
    all.insert(needed.begin(), needed.end());
  }
  return {all.begin(), all.end()};
}

namespace {
void collect_types(const Json& filters, std::set<std::string>& types) {
  if (!filters.is_array()) return;
  for (const Json& filter : filters) {
    if (filter.is_string()) types.insert(filter.get<std::string>());
    if (!filter.is_object()) continue;
    if (filter.contains("type") && filter["type"].is_string())
      types.insert(filter["type"].get<std::string>());
    for (const char* block : {"and", "or", "not"}) {
      if (filter.contains(block)) collect_types(filter[block], types);
      if (filter.value("type", "") == block) collect_types(filter.value("filters", Json()), types);
    }
  }
}
}  // namespace

std::set<std::string> filter_types(const Json& filters) {
  std::set<std::string> types;
  collect_types(filters, types);
  return types;
}

const aws::Client& require_client(const FilterContext& context, const std::string& needs) {
  if (!context.client)
    throw Error("filter needs '" + needs +
                "' from AWS, and this run makes no AWS calls (run the policy with custos run, "
                "or evaluate resources.json written by one)");
  return *context.client;
}

StoredMatcherPtr Filter::stored_matcher(const DocStore& store) const {
  if (judges_set()) return nullptr;
  return std::make_unique<JsonMatcher>(*this, store);
}

}  // namespace custos::policy
