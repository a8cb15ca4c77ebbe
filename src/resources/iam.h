// The IAM resource types (global: one per partition): aws.iam-user, aws.iam-role and
// aws.iam-policy, with Cloud Custodian's filters and the actions that contain a compromised
// credential (remove-keys, set-policy, revoke-sessions, delete, ...).
#pragma once

#include "policy/registry.h"

namespace custos::resources {
void register_iam_user(policy::Registry& registry);
void register_iam_role(policy::Registry& registry);
void register_iam_policy(policy::Registry& registry);
// usage (service last accessed data) on iam-user, iam-role, iam-group, iam-policy (after them).
void register_iam_usage(policy::Registry& registry);
// check-permissions (the policy simulator) on the same four types (after them).
void register_iam_simulation(policy::Registry& registry);
}  // namespace custos::resources
