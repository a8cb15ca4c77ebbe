// Cloud Custodian's `delete` for the resource types whose ResourceType::deletion says how: one
// call per resource, irreversible, the record keeping the resource as it was.
#pragma once

#include "policy/registry.h"

namespace custos::resources {

// Registers `delete` for every type in `registry` that has a deletion.
void register_delete_actions(policy::Registry& registry);

}  // namespace custos::resources
