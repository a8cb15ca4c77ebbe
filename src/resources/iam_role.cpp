// aws.iam-role: IAM roles as GetRole returns them (RoleLastUsed, Tags), Cloud Custodian's role
// filters (has-specific-managed-policy, no-specific-managed-policy) and delete, plus what roles
// share with users (resources/iam_principal.h); GuardDuty findings about an assumed role's
// credentials name the role.
#include "policy/related_filter.h"
#include "resources/iam.h"
#include "resources/iam_principal.h"
#include "resources/tag_actions.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::FilterContext;
using policy::Spec;

const std::string kAttached = "c7n:AttachedPolicies";

Json attached_policies(const Json& role, const aws::Client& client) {
  return Principal("Role").attached_policies(client, role.value("RoleName", ""));
}

// no-specific-managed-policy: roles without the managed policy named `value` attached.
class NoSpecificManagedPolicy : public policy::AnnotatingFilter {
 public:
  explicit NoSpecificManagedPolicy(const Spec& spec) : name_(spec.required_string("value")) {}

  bool match(const Json& role, const FilterContext& context) const override {
    return !process({role}, context).empty();
  }
  std::vector<Json> process(std::vector<Json> roles, const FilterContext& context) const override {
    std::vector<Json> kept;
    for (Json& role : roles) {
      if (!role.contains(kAttached))
        role[kAttached] = attached_policies(role, policy::require_client(context, kAttached));
      const Json& attached = role[kAttached];
      if (std::none_of(attached.begin(), attached.end(),
                       [&](const Json& p) { return p.value("PolicyName", "") == name_; }))
        kept.push_back(std::move(role));
    }
    return kept;
  }
  std::vector<std::string> permissions() const override { return {"iam:ListAttachedRolePolicies"}; }

 private:
  std::string name_;
};

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
  registry.add_filter(
      role, "has-specific-managed-policy",
      policy::related_filter_info({.annotation_key = kAttached,
                                   .matched_key = "c7n:MatchedPolicies",
                                   .fetch = attached_policies,
                                   .permissions = {"iam:ListAttachedRolePolicies"}},
                                  "A value filter over the role's managed policies (key "
                                  "PolicyName unless given; matches in c7n:MatchedPolicies)",
                                  "PolicyName"));
  registry.add_filter(role, "no-specific-managed-policy",
                      policy::filter_info<NoSpecificManagedPolicy>(
                          {"value"}, "Roles without the managed policy named value",
                          {"iam:ListAttachedRolePolicies"}));
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
