// The registry of everything custos ships: core filters plus each resource type with its
// filters and actions.
#pragma once

#include "policy/registry.h"

namespace custos::resources {

const policy::Registry& builtin_registry();

}  // namespace custos::resources
