// aws.kms-key: KMS keys as Cloud Custodian describes them (KeyMetadata, Tags, AliasNames), with
// the actions that take a compromised key out of use: disable, schedule-deletion, set-rotation.
#pragma once

#include <string>

#include "aws/client.h"
#include "policy/registry.h"

namespace custos::resources {
// The key `named` names (a key id or ARN, an alias name or ARN) as Cloud Custodian's
// KmsRelatedFilter sees it: its KeyMetadata with AliasNames, and c7n:AliasName the first of
// them ("" without one); null when KMS knows no such key.
Json kms_key_named(const aws::Client& client, const std::string& named);
void register_kms_key(policy::Registry& registry);
// kms-key (a value filter over the key a resource names) on the types that name one, after them.
void register_kms_key_filters(policy::Registry& registry);
}  // namespace custos::resources
