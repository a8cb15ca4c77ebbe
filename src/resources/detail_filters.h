// Cloud Custodian's filters that are a value filter over one more AWS call per resource (or per
// account): continuous-backup, password-policy, distribution-config, attributes... as a table.
#pragma once

#include "policy/registry.h"

namespace custos::resources {

// Registers the table's filters on the types `registry` has (after the types).
void register_detail_filters(policy::Registry& registry);

}  // namespace custos::resources
