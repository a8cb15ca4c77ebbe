// The registry of everything custos ships: core filters plus each resource type with its
// filters and actions. A type is registered when first looked up (docs/architecture.md).
#pragma once

#include <memory>

#include "policy/registry.h"

namespace custos::resources {

const policy::Registry& builtin_registry();
// A registry of its own that loads types as builtin_registry() does (for tests).
std::unique_ptr<policy::Registry> make_builtin_registry();

}  // namespace custos::resources
