// aws.iam-role: IAM roles as GetRole returns them (RoleLastUsed, Tags) and Cloud Custodian's
// delete, plus what roles share with users (resources/iam_principal.h; the managed-policy
// filters are in iam_managed_policy_filters.cpp); GuardDuty findings about an assumed role's
// credentials name the role.
#include "resources/iam.h"
#include "resources/iam_principal.h"
#include "resources/tag_actions.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::Spec;

// delete: the role; with force: true first its managed policies (detached), inline policies
// and instance profiles (removed and deleted), as Cloud Custodian's RoleDelete. Irreversible: a
// role created again has a new id, so `before` keeps what it had.
class DeleteRole : public policy::PerResourceAction {
 public:
  explicit DeleteRole(const Spec& spec)
      : PerResourceAction("delete"), force_(spec.optional_bool("force", false)) {}

 private:
  ActionRecord apply(const Json& role, ActionContext& context) const override {
    const aws::Client& client = context.client;
    std::string name = context.id_of(role);
    Principal principal("Role");
    ActionRecord record{"delete", name};
    record.before = {{"Role", role}};
    if (force_) {
      Json attached = principal.attached_policies(client, name);
      principal.detach(client, name, attached);
      Json inline_policies = principal.inline_policies(client, name);
      principal.delete_inline(client, name, inline_policies);
      record.before["AttachedPolicies"] = attached;
      record.before["InlinePolicies"] = inline_policies;
      record.before["InstanceProfiles"] = remove_instance_profiles(client, name);
    }
    try {
      client.call("iam", "DeleteRole", principal.params(name));
    } catch (const aws::AwsError& e) {
      if (e.code() == "NoSuchEntity")
        return ActionRecord::unchanged("delete", name, "already deleted");
      if (e.code() == "DeleteConflict")
        throw Error("cannot delete role " + name + ": " + e.aws_message() +
                    " (set force: true to detach its policies and remove its instance profiles "
                    "first)");
      throw;
    }
    record.after = {{"Role", nullptr}};
    record.summary = "deleted role " + name +
                     " (cannot be undone: a role created again gets a new id; `before` keeps its "
                     "trust policy" +
                     (force_ ? ", policies and instance profiles)" : ")");
    record.undo = nullptr;
    return record;
  }

  // Removes the role from each instance profile and deletes the profile; returns their names.
  static Json remove_instance_profiles(const aws::Client& client, const std::string& role) {
    Json profiles = client.call_all("iam", "ListInstanceProfilesForRole", {{"RoleName", role}})
                        .value("InstanceProfiles", Json::array());
    Json names = Json::array();
    for (const Json& profile : profiles) {
      std::string name = profile.value("InstanceProfileName", "");
      client.call("iam", "RemoveRoleFromInstanceProfile",
                  {{"RoleName", role}, {"InstanceProfileName", name}});
      client.call("iam", "DeleteInstanceProfile", {{"InstanceProfileName", name}});
      names.push_back(name);
    }
    return names;
  }

  bool force_;
};

}  // namespace

void register_iam_role(policy::Registry& registry) {
  // Cloud Custodian's detail_spec: GetRole adds RoleLastUsed and Tags.
  policy::ResourceType type = iam_type("Role", "RoleName", "RoleName");
  // Credentials of an assumed role: accessKeyDetails.userName is the role's name.
  type.guard_duty = {{.resource_type = "AccessKey",
                      .when = "detail.resource.accessKeyDetails.userType == 'AssumedRole'",
                      .ids = "detail.resource.accessKeyDetails.userName"}};
  type.report_fields = {"RoleName", "CreateDate"};
  registry.add_resource(std::move(type));
  const std::string role = "aws.iam-role";
  registry.add_action(
      role, "delete",
      policy::action_info<DeleteRole>(
          {"force"},
          {"iam:DeleteRole", "iam:ListAttachedRolePolicies", "iam:DetachRolePolicy",
           "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:DeleteRolePolicy",
           "iam:ListInstanceProfilesForRole", "iam:RemoveRoleFromInstanceProfile",
           "iam:DeleteInstanceProfile"},
          "Delete the role (irreversible); force: true first detaches its policies and removes "
          "its instance profiles"));
  register_principal_policies(registry, role, Principal("Role"));
  register_tag_actions(registry, role);
}

}  // namespace custos::resources
