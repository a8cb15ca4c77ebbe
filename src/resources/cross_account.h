// cross-account: resources other accounts (or everyone) may use, for every resource type whose
// ResourceType says where its access is (a policy document, or the accounts it is shared with).
#pragma once

#include "policy/registry.h"

namespace custos::resources {

// Adds cross-account to each registered type with `access`; call after the types are added.
void register_cross_account(policy::Registry& registry);

}  // namespace custos::resources
