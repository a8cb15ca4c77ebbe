// The actions that are one AWS call per resource, as data (ResourceType::actions): Cloud
// Custodian's delete, stop, set-public-access, retention... for the types that say how.
#pragma once

#include "policy/registry.h"

namespace custos::resources {

// Registers each type's call actions in `registry`, built when the type is first used.
void register_call_actions(policy::Registry& registry);

}  // namespace custos::resources
