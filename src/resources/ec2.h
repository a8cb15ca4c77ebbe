// aws.ec2: EC2 instances, with the containment actions stop, snapshot, set-instance-profile,
// modify-security-groups (network isolation) and the lifecycle actions of ec2_lifecycle.h.
#pragma once

#include "policy/registry.h"

namespace custos::resources {
void register_ec2(policy::Registry& registry);
}
