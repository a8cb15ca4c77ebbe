// aws.ec2's own filters (Cloud Custodian's c7n/resources/ec2.py): instance-age, instance-uptime,
// state-age, image-age, image, termination-protected, stop-protected, ephemeral, singleton,
// ebs, ssm, instance-attribute, user-data, has-specific-managed-policy, and offhour/onhour
// limited to running/stopped instances.
#pragma once

#include "policy/registry.h"

namespace custos::resources {
void register_ec2_filters(policy::Registry& registry);
}
