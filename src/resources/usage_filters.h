// Cloud Custodian's `used` and `unused` filters: whether something else in the account uses a
// resource (an instance its key pair, an ENI its security group), from listings of the users.
#pragma once

#include "policy/registry.h"

namespace custos::resources {

// Registers them on the types that have them (security-group, key-pair, launch-config, ami,
// ebs-snapshot, iam-profile); those types must be registered first.
void register_usage_filters(policy::Registry& registry);

}  // namespace custos::resources
