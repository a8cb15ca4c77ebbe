// Cloud Custodian's `query` policy key (c7n/utils.py QueryParser): parameters added to the
// resource type's listing call, such as EC2's describe filters (`- instance-state-name:
// running`), checked against the call's input shape when the policy compiles.
#pragma once

#include "core/json.h"
#include "policy/resource_type.h"
#include "policy/spec.h"

namespace custos::policy {

// The listing call's extra parameters `spec` (the policy's `query` list) asks for: {KEY: VALUE}
// entries naming the call's parameters, {Filters: [{Name, Values}]}, or, for a call that takes
// Filters, {FILTER-NAME: VALUE(S)}. Fails at the entry that does not fit.
Json compile_query(const Spec& spec, const ResourceType& type);

}  // namespace custos::policy
