// configure-lifecycle-policy on aws.efs (Cloud Custodian's ConfigureLifecycle): the file
// system's lifecycle policies set to `rules` (state: enable) or removed (state: disable); a file
// system already so is left alone, and the undo puts back the policies it had.
#include "aws/client.h"
#include "policy/action.h"
#include "policy/shape_check.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::Spec;

class ConfigureLifecycle : public policy::PerResourceAction {
 public:
  explicit ConfigureLifecycle(const Spec& spec)
      : PerResourceAction("configure-lifecycle-policy"),
        rules_(spec.has("rules") ? spec.value()["rules"] : Json::array()) {
    const bool enable = spec.one_of("state", {"enable", "disable"}) == "enable";
    if (enable && !spec.has("rules"))
      spec.fail("configure-lifecycle-policy with state: enable needs rules");
    if (!enable && spec.has("rules"))
      spec.child("rules").at_key().fail(
          "configure-lifecycle-policy with state: disable takes no rules");
    if (enable)
      policy::check_given_members(spec.child("rules"), "efs", "PutLifecycleConfiguration",
                                  {{"LifecyclePolicies", rules_}});
  }

 private:
  ActionRecord apply(const Json& system, ActionContext& context) const override {
    const std::string id = context.id_of(system);
    Json now;
    try {
      now = context.client.call("efs", "DescribeLifecycleConfiguration", {{"FileSystemId", id}})
                .value("LifecyclePolicies", Json::array());
    } catch (const aws::AwsError& e) {
      if (e.code() != "FileSystemNotFound") throw;
      return ActionRecord::unchanged(name(), id, "gone already");
    }
    if (now == rules_) return ActionRecord::unchanged(name(), id, "its lifecycle policies are so");
    context.client.call("efs", "PutLifecycleConfiguration",
                        {{"FileSystemId", id}, {"LifecyclePolicies", rules_}});
    ActionRecord record{name(), id};
    record.before = now;
    record.after = rules_;
    record.summary = rules_.empty() ? "lifecycle policies removed" : "lifecycle " + rules_.dump();
    const std::string& region = context.client.session().region();
    record.undo = Json::array(
        {policy::undo_call("efs", "PutLifecycleConfiguration",
                           {{"FileSystemId", id}, {"LifecyclePolicies", now}}, region)});
    record.check =
        policy::check_call("efs", "DescribeLifecycleConfiguration", {{"FileSystemId", id}},
                           "LifecyclePolicies == " + policy::jmespath_literal(rules_), region);
    return record;
  }

  Json rules_;  // empty: none
};

}  // namespace

void register_efs_lifecycle(policy::Registry& registry) {
  registry.add_action("aws.efs", "configure-lifecycle-policy",
                      policy::action_info<ConfigureLifecycle>(
                          {"state", "rules"},
                          {"elasticfilesystem:DescribeLifecycleConfiguration",
                           "elasticfilesystem:PutLifecycleConfiguration"},
                          "Set the lifecycle policies to rules (state: enable) or remove them "
                          "(disable); undo puts back the policies it had"));
}

}  // namespace custos::resources
