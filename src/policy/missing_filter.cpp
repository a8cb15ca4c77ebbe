#include "policy/missing_filter.h"

#include "policy/describe.h"
#include "policy/policy.h"

namespace custos::policy {
namespace {

class Missing : public Filter {
 public:
  Missing(const Spec& spec, const BuildContext& context) {
    if (!spec.has("policy")) spec.fail("missing needs 'policy': {resource: ..., filters: [...]}");
    Spec embedded = spec.child("policy");
    if (!embedded.value().is_object())
      embedded.fail("'policy' must be a mapping {resource: ..., filters: [...]}, not " +
                    json_type_name(embedded.value()));
    for (const char* refused : {"mode", "actions"})
      if (embedded.has(refused))
        embedded.child(refused).at_key().fail(
            std::string("the policy of a missing filter takes no '") + refused +
            "': it only looks for resources");
    embedded.allow_keys({"resource", "filters", "name", "description", "comment", "comments"},
                        "the policy of a missing filter");
    std::string resource = embedded.required_string("resource");
    policy_.resource = context.registry.find_resource(resource);
    if (!policy_.resource) {
      std::string known;
      for (const auto& name : context.registry.resource_names())
        known += (known.empty() ? "" : ", ") + name;
      embedded.child("resource")
          .fail("unknown resource type '" + resource + "' (known: " + known + ")");
    }
    policy_.name = spec.policy_name();
    BuildContext inner{context.registry, *policy_.resource, false, "and", &embedded.value()};
    if (embedded.has("filters")) {
      Spec filters = embedded.child("filters");
      if (!filters.value().is_array()) filters.fail("'filters' must be a list");
      for (std::size_t i = 0; i < filters.value().size(); ++i)
        policy_.filters.push_back(context.registry.build_filter(filters.element(i), inner));
    }
  }

  bool match(const Json&, const FilterContext& context) const override {
    const aws::Client& client = require_client(context, "missing");
    FilterContext inner{.event = nullptr, .client = &client};
    return policy_.filter_resources(describe_resources(*policy_.resource, client, nullptr), inner)
        .empty();
  }

  std::vector<std::string> permissions() const override {
    auto needed = describe_permissions(*policy_.resource);
    for (const auto& action : permissions_of(policy_.filters)) needed.push_back(action);
    return needed;
  }

 private:
  Policy policy_;
};

}  // namespace

FilterInfo missing_filter_info() {
  return filter_info<Missing>({"policy"},
                              "Matches when the embedded policy ({resource, filters}) finds no "
                              "resource: what should exist does not");
}

}  // namespace custos::policy
