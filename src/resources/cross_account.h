// cross-account: resources other accounts (or everyone) may use, for every resource type whose
// ResourceType says where its access is (a policy document, or the accounts it is shared with);
// set-permissions, which changes who they are shared with, where it says how.
#pragma once

#include "policy/registry.h"

namespace custos::resources {

// Adds cross-account to each registered type with `access`; call after the types are added.
void register_cross_account(policy::Registry& registry);
// Adds set-permissions to each registered type whose `access` says how to share it.
void register_set_permissions(policy::Registry& registry);

}  // namespace custos::resources
