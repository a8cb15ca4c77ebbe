// Cloud Custodian's managed-policy filters on IAM roles, groups and instance profiles:
// has-specific-managed-policy (a value filter over the managed policies attached to the role or
// group, or to the profile's roles: a profile without a role has none) and, on roles,
// no-specific-managed-policy. What they read is kept as c7n:AttachedPolicies.
#include <algorithm>

#include "aws/client.h"
#include "policy/related_filter.h"
#include "resources/iam_principal.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::FilterContext;

const std::string kAttached = "c7n:AttachedPolicies";

Json role_policies(const Json& role, const aws::Client& client) {
  return Principal("Role").attached_policies(client, role.value("RoleName", ""));
}

Json group_policies(const Json& group, const aws::Client& client) {
  return Principal("Group").attached_policies(client, group.value("GroupName", ""));
}

Json profile_policies(const Json& profile, const aws::Client& client) {
  Json policies = Json::array();
  for (const Json& role : profile.value("Roles", Json::array()))
    for (Json& policy : role_policies(role, client)) policies.push_back(std::move(policy));
  return policies;
}

// no-specific-managed-policy: roles without the managed policy named `value` attached.
class NoSpecificManagedPolicy : public policy::AnnotatingFilter {
 public:
  explicit NoSpecificManagedPolicy(const policy::Spec& spec)
      : name_(spec.required_string("value")) {}

  bool match(const Json& role, const FilterContext& context) const override {
    return !process({role}, context).empty();
  }
  std::vector<Json> process(std::vector<Json> roles, const FilterContext& context) const override {
    std::vector<Json> kept;
    for (Json& role : roles) {
      if (!role.contains(kAttached))
        role[kAttached] = role_policies(role, policy::require_client(context, kAttached));
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

struct Attached {
  const char* type;
  Json (*fetch)(const Json&, const aws::Client&);
  const char* permission;
  const char* of;  // whose policies, for the description
};

}  // namespace

void register_managed_policy_filters(policy::Registry& registry) {
  for (const Attached& attached : {
           Attached{"aws.iam-role", role_policies, "iam:ListAttachedRolePolicies", "the role"},
           Attached{"aws.iam-group", group_policies, "iam:ListAttachedGroupPolicies", "the group"},
           Attached{"aws.iam-profile", profile_policies, "iam:ListAttachedRolePolicies",
                    "the profile's roles"},
       })
    registry.add_filter(
        attached.type, "has-specific-managed-policy",
        policy::related_filter_info(
            {.annotation_key = kAttached,
             .matched_key = "c7n:MatchedPolicies",
             .fetch = attached.fetch,
             .permissions = {attached.permission}},
            std::string("A value filter over the managed policies attached to ") + attached.of +
                " (key PolicyName unless given; matches in "
                "c7n:MatchedPolicies)",
            "PolicyName"));
  registry.add_filter("aws.iam-role", "no-specific-managed-policy",
                      policy::filter_info<NoSpecificManagedPolicy>(
                          {"value"}, "Roles without the managed policy named value",
                          {"iam:ListAttachedRolePolicies"}));
}

}  // namespace custos::resources
