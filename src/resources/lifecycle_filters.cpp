// Filters over what expires or moves a resource's data on its own: an EFS file system's
// lifecycle policies (lifecycle-policy) and an ECR repository's lifecycle rules
// (lifecycle-rule), as Cloud Custodian's efs.py and ecr.py.
#include <algorithm>
#include <optional>

#include "aws/client.h"
#include "policy/set_filter.h"
#include "policy/value_filter.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::FilterContext;
using policy::Spec;

// lifecycle-policy: file systems with lifecycle policies (state: present) or none (absent);
// with `value`, with (or without) the policy TransitionToIA: VALUE. The policies are kept as
// c7n:LifecyclePolicies.
class EfsLifecyclePolicy : public policy::SetFilter {
 public:
  explicit EfsLifecyclePolicy(const Spec& spec)
      : present_(spec.one_of("state", {"present", "absent"}) == "present"),
        value_(spec.optional_string("value")) {}

  std::vector<Json> process(std::vector<Json> systems,
                            const FilterContext& context) const override {
    std::vector<Json> kept;
    for (Json& system : systems) {
      Json policies;
      try {
        policies = policy::require_client(context, "the file systems' lifecycle policies")
                       .call("efs", "DescribeLifecycleConfiguration",
                             {{"FileSystemId", system.value("FileSystemId", "")}})
                       .value("LifecyclePolicies", Json::array());
      } catch (const aws::AwsError& e) {
        if (e.code() != "FileSystemNotFound") throw;
        continue;
      }
      bool has = value_.empty() ? !policies.empty()
                                : std::find(policies.begin(), policies.end(),
                                            Json{{"TransitionToIA", value_}}) != policies.end();
      system["c7n:LifecyclePolicies"] = policies;
      if (has == present_) kept.push_back(std::move(system));
    }
    return kept;
  }
  bool annotates() const override { return true; }
  std::vector<std::string> permissions() const override {
    return {"elasticfilesystem:DescribeLifecycleConfiguration"};
  }

 private:
  bool present_;
  std::string value_;
};

// lifecycle-rule: repositories with a lifecycle rule that every `match` value filter (or
// {KEY: VALUE}) accepts (state: true), or with none (state: false, the default). The policy is
// kept as c7n:lifecycle-policy. (Cloud Custodian judges only the last rule; custos any.)
class EcrLifecycleRule : public policy::SetFilter {
 public:
  explicit EcrLifecycleRule(const Spec& spec) : state_(spec.optional_bool("state", false)) {
    if (!spec.has("match")) return;
    Spec match = spec.child("match");
    if (!match.value().is_array()) match.fail("match must be a list of value filters");
    for (std::size_t i = 0; i < match.value().size(); ++i) matchers_.emplace_back(match.element(i));
  }

  std::vector<Json> process(std::vector<Json> repositories,
                            const FilterContext& context) const override {
    std::vector<Json> kept;
    for (Json& repository : repositories) {
      if (!repository.contains("c7n:lifecycle-policy"))
        repository["c7n:lifecycle-policy"] = lifecycle_policy(repository, context);
      bool found = false;
      for (const Json& rule : repository["c7n:lifecycle-policy"].value("rules", Json::array()))
        found = found ||
                std::all_of(matchers_.begin(), matchers_.end(), [&](const policy::ValueMatcher& m) {
                  return m.matches(rule, context);
                });
      if (found == state_) kept.push_back(std::move(repository));
    }
    return kept;
  }
  bool annotates() const override { return true; }
  std::vector<std::string> permissions() const override { return {"ecr:GetLifecyclePolicy"}; }

 private:
  static Json lifecycle_policy(const Json& repository, const FilterContext& context) {
    std::string name = repository.value("repositoryName", "");
    try {
      std::string text = policy::require_client(context, "the repositories' lifecycle policies")
                             .call("ecr", "GetLifecyclePolicy", {{"repositoryName", name}})
                             .value("lifecyclePolicyText", "{}");
      Json parsed = Json::parse(text, nullptr, false);
      if (parsed.is_discarded())
        throw InputError("the lifecycle policy of repository " + name + " is not JSON");
      return parsed;
    } catch (const aws::AwsError& e) {
      if (e.code() != "LifecyclePolicyNotFoundException") throw;
      return Json::object();
    }
  }

  bool state_;
  std::vector<policy::ValueMatcher> matchers_;
};

}  // namespace

void register_lifecycle_filters(policy::Registry& registry) {
  registry.add_filter("aws.efs", "lifecycle-policy",
                      policy::filter_info<EfsLifecyclePolicy>(
                          {"state", "value"},
                          "File systems with lifecycle policies (state: present) or none; with "
                          "value, the policy TransitionToIA: value",
                          {"elasticfilesystem:DescribeLifecycleConfiguration"}));
  registry.add_filter("aws.ecr", "lifecycle-rule",
                      policy::filter_info<EcrLifecycleRule>(
                          {"state", "match"},
                          "Repositories with a lifecycle rule every `match` value filter "
                          "accepts (state: true) or with none (false, the default)",
                          {"ecr:GetLifecyclePolicy"}));
}

}  // namespace custos::resources
