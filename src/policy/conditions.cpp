#include "policy/conditions.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <set>

namespace custos::policy {
namespace {

// What Cloud Custodian's condition registry knows: value and event filters and the blocks.
const std::set<std::string, std::less<>> kConditionTypes = {"value", "event", "and", "or", "not"};
const std::set<std::string, std::less<>> kBlocks = {"and", "or", "not"};

// The `region:` policy key: Cloud Custodian turns it into the condition {region: VALUE}.
class RegionCondition : public Filter {
 public:
  explicit RegionCondition(std::string region) : region_(std::move(region)) {}
  bool match(const Json& document, const FilterContext&) const override {
    return document.value("region", "") == region_;
  }

 private:
  std::string region_;
};

// Children of an and/or/not block, in either of its spellings.
std::vector<Spec> block_children(const Spec& spec, const std::string& type) {
  std::string key = spec.has("type") ? "filters" : type;
  std::vector<Spec> children;
  if (spec.has(key) && spec.value()[key].is_array())
    for (std::size_t i = 0; i < spec.value()[key].size(); ++i)
      children.push_back(spec.child(key).element(i));
  return children;
}

// Refuses filters that judge resources (marked-for-op, reduce, ...): conditions judge the run.
void check_condition_type(const Spec& spec) {
  const Json& value = spec.value();
  std::string type;
  if (value.is_string()) {
    type = value.get<std::string>();
  } else if (value.is_object() && value.contains("type") && value["type"].is_string()) {
    type = value["type"].get<std::string>();
  } else if (value.is_object() && value.size() == 1 && kBlocks.count(value.begin().key())) {
    type = value.begin().key();
  } else {
    return;  // a {KEY: VALUE} value filter, or something build_filter explains
  }
  if (!kConditionTypes.count(type))
    spec.fail("conditions take value and event filters and and/or/not blocks, not '" + type + "'");
  if (kBlocks.count(type))
    for (const Spec& child : block_children(spec, type)) check_condition_type(child);
}

// Cloud Custodian drops conditions on account.* outside c7n-org (they hold at deployment).
bool about_org_account(const Json& value) {
  if (!value.is_object()) return false;
  std::string key = value.contains("key") && value["key"].is_string()
                        ? value["key"].get<std::string>()
                        : (value.size() == 1 ? value.begin().key() : "");
  return key.rfind("account.", 0) == 0;
}

std::string iso_now_utc() {
  auto now = std::chrono::system_clock::now();
  auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() %
      1000000;
  std::string text =
      fmt::format("{:%Y-%m-%dT%H:%M:%S}", std::chrono::floor<std::chrono::seconds>(now));
  if (micros) text += fmt::format(".{:06d}", micros);
  return text + "+00:00";
}

}  // namespace

Conditions Conditions::compile(const Spec& policy, const BuildContext& context) {
  Conditions conditions;
  if (policy.has("conditions")) {
    Spec list = policy.child("conditions");
    if (!list.value().is_array())
      list.fail("'conditions' must be a list of filters, not " + json_type_name(list.value()));
    for (std::size_t i = 0; i < list.value().size(); ++i) {
      Spec entry = list.element(i);
      check_condition_type(entry);
      FilterPtr filter = context.registry.build_filter(entry, context);
      if (!about_org_account(entry.value())) conditions.filters_.push_back(std::move(filter));
    }
    conditions.needs_account_id_ = list.value().dump().find("account_id") != std::string::npos;
  }
  if (policy.has("region")) {
    Spec region = policy.child("region");
    if (!region.value().is_string())
      region.fail("'region' must be a string (the region the policy runs in), not " +
                  json_type_name(region.value()));
    conditions.filters_.push_back(
        std::make_unique<RegionCondition>(region.value().get<std::string>()));
  }
  return conditions;
}

bool Conditions::hold(const Json& document, const FilterContext& context) const {
  for (const FilterPtr& filter : filters_)
    if (filter->process({document}, context).empty()) return false;
  return true;
}

Json condition_document(const Json& policy_data, const std::string& region,
                        const std::string& account_id) {
  std::string resource = policy_data.value("resource", "");
  auto dot = resource.find('.');
  return {{"name", policy_data.value("name", "")},
          {"region", region},
          {"resource", resource},
          {"provider", dot == std::string::npos ? "aws" : resource.substr(0, dot)},
          {"account_id", account_id.empty() ? Json() : Json(account_id)},
          {"now", iso_now_utc()},
          {"policy", policy_data}};
}

}  // namespace custos::policy
