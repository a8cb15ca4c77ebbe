// What IAM users, roles and groups share: their managed and inline policies (read, attach,
// detach, delete, restore), the filters and actions Cloud Custodian gives them (has-inline-policy,
// set-policy, delete-inline-policies) and custos's revoke-sessions.
#pragma once

#include <string>

#include "aws/client.h"
#include "policy/registry.h"

namespace custos::resources {

// A kind of IAM principal: "User", "Role" or "Group", from which the operation names follow
// (ListUserPolicies, AttachRolePolicy, ...).
class Principal {
 public:
  explicit Principal(std::string kind) : kind_(std::move(kind)) {}

  const std::string& kind() const { return kind_; }
  std::string name_param() const { return kind_ + "Name"; }  // "UserName"
  std::string operation(const std::string& verb, const std::string& noun = "Policy") const {
    return verb + kind_ + noun;  // ("Attach") -> "AttachUserPolicy"
  }
  Json params(const std::string& name) const { return {{name_param(), name}}; }

  // [{PolicyName, PolicyArn}] attached to `name`.
  Json attached_policies(const aws::Client& client, const std::string& name) const;
  // {policy name: document} of its inline policies.
  Json inline_policies(const aws::Client& client, const std::string& name) const;

  // Detaches each of `attached` (as attached_policies lists them); returns the undo calls.
  Json detach(const aws::Client& client, const std::string& name, const Json& attached) const;
  // Deletes each of `policies` (as inline_policies gives them); returns the undo calls.
  Json delete_inline(const aws::Client& client, const std::string& name,
                     const Json& policies) const;

 private:
  std::string kind_;
};

// What the IAM types share: "aws.iam-<noun>" (alias iam-<noun>) listed by List<Nouns>, each
// document Get<Noun>'s <Noun> (asked with `id_param` from `id_field`; a resource gone by then is
// left out), looked up one id at a time, global, tagged by Tag<Noun>/Untag<Noun>.
policy::ResourceType iam_type(const std::string& noun, const std::string& id_field,
                              const std::string& id_param);

// has-inline-policy, set-policy, delete-inline-policies and revoke-sessions on `resource`.
void register_principal_policies(policy::Registry& registry, const std::string& resource,
                                 const Principal& principal);
// set-policy and delete-inline-policies alone (a group has no sessions to revoke).
void register_principal_policy_actions(policy::Registry& registry, const std::string& resource,
                                       const Principal& principal);

}  // namespace custos::resources
