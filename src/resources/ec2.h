// aws.ec2: EC2 instances, with the containment actions stop, snapshot, set-instance-profile.
#pragma once

#include "policy/registry.h"

namespace custos::resources {
void register_ec2(policy::Registry& registry);
}
