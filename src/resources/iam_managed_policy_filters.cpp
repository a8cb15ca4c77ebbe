// has-specific-managed-policy on IAM groups and instance profiles (Cloud Custodian's
// SpecificIamGroupManagedPolicy and SpecificIamProfileManagedPolicy; the role's is in
// iam_role.cpp): a value filter over the managed policies attached to the group, or to the
// profile's roles (a profile without a role has none).
#include "aws/client.h"
#include "policy/related_filter.h"
#include "resources/iam_principal.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

Json group_policies(const Json& group, const aws::Client& client) {
  return Principal("Group").attached_policies(client, group.value("GroupName", ""));
}

Json profile_policies(const Json& profile, const aws::Client& client) {
  Json policies = Json::array();
  for (const Json& role : profile.value("Roles", Json::array()))
    for (Json& policy : Principal("Role").attached_policies(client, role.value("RoleName", "")))
      policies.push_back(std::move(policy));
  return policies;
}

void add_managed_policy_filter(policy::Registry& registry, const std::string& type,
                               policy::RelatedData related, const std::string& of) {
  registry.add_filter(type, "has-specific-managed-policy",
                      policy::related_filter_info(std::move(related),
                                                  "A value filter over the managed policies "
                                                  "attached to " +
                                                      of +
                                                      " (key PolicyName unless given; matches in "
                                                      "c7n:MatchedPolicies)",
                                                  "PolicyName"));
}

}  // namespace

void register_managed_policy_filters(policy::Registry& registry) {
  add_managed_policy_filter(registry, "aws.iam-group",
                            {.annotation_key = "c7n:AttachedPolicies",
                             .matched_key = "c7n:MatchedPolicies",
                             .fetch = group_policies,
                             .permissions = {"iam:ListAttachedGroupPolicies"}},
                            "the group");
  add_managed_policy_filter(registry, "aws.iam-profile",
                            {.annotation_key = "c7n:AttachedPolicies",
                             .matched_key = "c7n:MatchedPolicies",
                             .fetch = profile_policies,
                             .permissions = {"iam:ListAttachedRolePolicies"}},
                            "the profile's roles");
}

}  // namespace custos::resources
