// The functions that register custos's resource types, one per service area, and what every
// type gets from its data: builtin_registry() runs a group when a policy first names its type.
#pragma once

#include <span>

#include "policy/registry.h"

namespace custos::resources {

std::span<const policy::TypeGroups::Add> type_groups();
// What types get from their data (kms-key, finding, delete...), for the types the registry sees.
void derive_from_type_data(policy::Registry& registry);
// The filters and actions of every type (value, and, notify...).
void register_common(policy::Registry& registry);
// Every type registered at once, as builtin_registry() would after looking up each: for
// `custos schema` tests and as the lazy registry's reference.
policy::Registry eager_builtin_registry();

}  // namespace custos::resources
