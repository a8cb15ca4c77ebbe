// Cloud Custodian's remove-statements for the types whose data says where their resource policy
// is and how to write it back (ResourceType::Access::write): SQS, SNS, Lambda, KMS, ECR...
#pragma once

#include "policy/registry.h"

namespace custos::resources {

// Registers remove-statements on every type of `registry` that has an Access::write.
void register_remove_statements(policy::Registry& registry);

}  // namespace custos::resources
