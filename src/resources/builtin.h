// The registry of everything custos ships: core filters plus each resource type with its
// filters and actions.
#pragma once

#include <future>

#include "policy/registry.h"

namespace custos::resources {

const policy::Registry& builtin_registry();

// Starts building builtin_registry() on another core, for a command that reads its policy
// files meanwhile (builtin_registry() then waits for it, if still building). The future waits
// too, at the latest when it goes out of scope.
std::future<void> prepare_builtin_registry();

}  // namespace custos::resources
