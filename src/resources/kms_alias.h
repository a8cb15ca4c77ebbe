// aws.kms-alias (Cloud Custodian's `kms`): the aliases that name a KMS key.
#pragma once

#include "policy/registry.h"

namespace custos::resources {
void register_kms_alias(policy::Registry& registry);
// grant-count on it (after it)
void register_kms_grant_count(policy::Registry& registry);
}  // namespace custos::resources
