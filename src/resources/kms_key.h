// aws.kms-key: KMS keys as Cloud Custodian describes them (KeyMetadata, Tags, AliasNames), with
// the actions that take a compromised key out of use: disable, schedule-deletion, set-rotation.
#pragma once

#include "policy/registry.h"

namespace custos::resources {
void register_kms_key(policy::Registry& registry);
// kms-key (a value filter over the key a resource names) on the types that name one, after them.
void register_kms_key_filters(policy::Registry& registry);
}  // namespace custos::resources
