// The EBS resource types: aws.ebs (volumes: snapshot them as evidence) and aws.ebs-snapshot
// (stop sharing them, delete them), with Cloud Custodian's options.
#pragma once

#include "policy/registry.h"

namespace custos::resources {
void register_ebs(policy::Registry& registry);
void register_ebs_snapshot(policy::Registry& registry);
// modifyable and modify (Elastic Volumes) on aws.ebs (after it).
void register_ebs_modify(policy::Registry& registry);
}  // namespace custos::resources
