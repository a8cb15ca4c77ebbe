// set-role on aws.iam-profile (Cloud Custodian's InstanceProfileSetRole): the profile's role
// replaced by `role`, or removed when no role is named. What an instance launched with the
// profile may do changes at once: containment takes a role away without touching the instance.
#include "aws/client.h"
#include "policy/action.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::undo_call;

class SetProfileRole : public policy::PerResourceAction {
 public:
  explicit SetProfileRole(const policy::Spec& spec)
      : PerResourceAction("set-role"), role_(spec.optional_string("role", "")) {}

 private:
  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    const std::string profile = context.id_of(resource);
    // Read now: the listing may be minutes old, and the undo must put back what was there.
    Json roles =
        context.client.call("iam", "GetInstanceProfile", {{"InstanceProfileName", profile}})
            .value("/InstanceProfile/Roles"_json_pointer, Json::array());
    const std::string old = roles.empty() ? "" : roles[0].value("RoleName", "");
    if (old == role_)
      return ActionRecord::unchanged(name(), profile,
                                     role_.empty() ? "it has no role" : "its role is " + role_);
    ActionRecord record{name(), profile};
    record.before = {{"Roles", roles}};
    record.undo = Json::array();
    if (!old.empty()) call(context, "RemoveRoleFromInstanceProfile", profile, old);
    if (!role_.empty()) {
      call(context, "AddRoleToInstanceProfile", profile, role_);
      record.undo.push_back(
          undo_call("iam", "RemoveRoleFromInstanceProfile", params(profile, role_)));
    }
    if (!old.empty())
      record.undo.push_back(undo_call("iam", "AddRoleToInstanceProfile", params(profile, old)));
    record.after = {{"RoleName", role_.empty() ? Json() : Json(role_)}};
    record.summary = role_.empty() ? "removed its role " + old
                     : old.empty() ? "gave it the role " + role_
                                   : "replaced its role " + old + " with " + role_;
    record.check = policy::check_call(
        "iam", "GetInstanceProfile", {{"InstanceProfileName", profile}},
        role_.empty() ? "length(InstanceProfile.Roles) == `0`"
                      : "InstanceProfile.Roles[0].RoleName == " + policy::jmespath_literal(role_));
    return record;
  }

  static Json params(const std::string& profile, const std::string& role) {
    return {{"InstanceProfileName", profile}, {"RoleName", role}};
  }
  static void call(ActionContext& context, const char* operation, const std::string& profile,
                   const std::string& role) {
    context.client.call("iam", operation, params(profile, role));
  }

  std::string role_;
};

}  // namespace

void register_iam_profile_role(policy::Registry& registry) {
  registry.add_action(
      "aws.iam-profile", "set-role",
      policy::action_info<SetProfileRole>(
          {"role"},
          {"iam:GetInstanceProfile", "iam:AddRoleToInstanceProfile",
           "iam:RemoveRoleFromInstanceProfile"},
          "Replace the profile's role with `role`, or remove it when none is named; undo puts "
          "the old one back"));
}

}  // namespace custos::resources
